/* A GFP_NOWAIT allocation's failure reported as -ENOMEM. */
static int attach_cookie(struct kiocb *iocb, size_t len)
{
	void *cookie;

	cookie = kmalloc(len, GFP_NOWAIT);
	if (!cookie)
		// expect: example-nowait-alloc-enomem
		return -ENOMEM;
	iocb->private = cookie;
	return 0;
}
