/* Near misses: the NOWAIT failure returned as -EAGAIN; -ENOMEM after a blocking allocation. */
static int grow_table(struct table *t, unsigned int n)
{
	struct entry *e = kcalloc(n, sizeof(*e), GFP_NOWAIT);

	if (e == NULL)
		// ok: example-nowait-alloc-enomem
		return -EAGAIN;
	kfree(t->entries);
	t->entries = e;
	t->n = n;
	return 0;
}

static int table_init(struct table *t)
{
	t->entries = kmalloc_array(16, sizeof(*t->entries), GFP_KERNEL);
	if (!t->entries) {
		pr_err("table: no memory\n");
		// ok: example-nowait-alloc-enomem
		return -ENOMEM;
	}
	t->n = 16;
	return 0;
}
