// A loop that walks a counter down by a step computed with min():
// if the step can be 0 (an empty page, a zero-length extent), the loop
// never ends. This is the naive form of errpath's zero-step-loop rule
// (no proof that the step is nonzero): the comparison point for speed.
// Run: spatch -j 2 --no-includes --include-headers --sp-file bench/zero_step.cocci --dir fs/

virtual report

@step_loop@
expression cnt;
identifier step, minfn =~ "^(min|min_t|umin|min3|min_not_zero)$";
expression list args;
type T;
position p;
@@

while@p (cnt) {
  ... when any
(
  step = minfn(args);
|
  T step = minfn(args);
)
  ... when any
  cnt -= step;
  ... when any
}

@script:python depends on step_loop && report@
p << step_loop.p;
cnt << step_loop.cnt;
step << step_loop.step;
@@

coccilib.report.print_report(p[0], "counter %s stepped by %s, a min() that can be 0" % (cnt, step))
