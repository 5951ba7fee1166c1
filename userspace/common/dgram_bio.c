// SPDX-License-Identifier: GPL-2.0
#include "dgram_bio.h"

static long dgram_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int dgram_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

BIO_METHOD *lsc_dgram_bio_method(const char *name,
				 int (*write)(BIO *b, const char *data, int len))
{
	BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
				     name);

	if (m && (!BIO_meth_set_write(m, write) ||
		  !BIO_meth_set_ctrl(m, dgram_ctrl) ||
		  !BIO_meth_set_create(m, dgram_create))) {
		BIO_meth_free(m);
		m = NULL;
	}
	return m;
}
