cd /work/w19
sed -i "s/comments (errpath\.suppress): drop the/comments (errpath.report.suppress): drop the/" errpath/cli.py
