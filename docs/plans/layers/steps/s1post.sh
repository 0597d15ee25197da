cd /work/w19
sed -i -E 's/\b_rows\b/data_rows/g' errpath/knowledge/__init__.py errpath/knowledge/tables.py errpath/failure.py
sed -i -E 's/\b_composites\b/gfp_composites/g' errpath/knowledge/tables.py rules/atomic_account.py
sed -i 's/^from errpath import progress, summary$/from errpath import progress, summary\nfrom errpath.knowledge.tables import allocators/; s/    allocs = summary.allocators()/    allocs = allocators()/' rules/zero_step_loop.py
sed -i 's/^from errpath import progress, summary$/from errpath import progress/' rules/zero_step_loop.py
