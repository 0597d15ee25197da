/* Near misses: -EAGAIN for the NOWAIT failure; -ENOMEM for a blocking one. */
static int attach_cookie(struct kiocb *iocb, size_t len)
{
	void *cookie;

	cookie = kmalloc(len, GFP_NOWAIT);
	if (!cookie)
		// ok: example-nowait-alloc-enomem
		return -EAGAIN;
	iocb->private = cookie;
	return 0;
}

static int attach_cookie_blocking(struct kiocb *iocb, size_t len)
{
	void *cookie;

	cookie = kmalloc(len, GFP_KERNEL);
	if (!cookie)
		// ok: example-nowait-alloc-enomem
		return -ENOMEM;
	iocb->private = cookie;
	return 0;
}
