// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "controller.h"
#include "fileio.h"
#include "hex.h"
#include "log.h"
#include "names.h"
#include "pem.h"
#include "scep_crypto.h"
#include "scep_msg.h"
#include "scep_names.h"

static char *path_of(const char *dir, const char *name)
{
	char *p;

	return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

static EVP_PKEY *keygen(const struct lscd_config *cfg)
{
	OSSL_LIB_CTX *lc = scep_libctx();

	if (cfg->key_type == CAPWAP_LSC_KEY_EC)
		return EVP_PKEY_Q_keygen(lc, NULL, "EC",
					 cfg->key_bits == 384 ? "P-384" : "P-256");
	return EVP_PKEY_Q_keygen(lc, NULL, "RSA", (size_t)cfg->key_bits);
}

static X509 *read_cert(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	X509 *x = NULL;

	if (b) {
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	ERR_clear_error();
	return x;
}

/* The outer SignedData needs a certificate before the CA gave us one. */
static X509 *self_signed(EVP_PKEY *key, const char *cn)
{
	X509 *x = X509_new_ex(scep_libctx(), NULL);
	X509_NAME *name = X509_NAME_new();
	uint64_t serial;
	int ok;

	ok = x && name && RAND_bytes((unsigned char *)&serial, sizeof(serial)) == 1 &&
	     X509_set_version(x, X509_VERSION_3) &&
	     ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial >> 1) &&
	     X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) &&
	     X509_set_subject_name(x, name) && X509_set_issuer_name(x, name) &&
	     /* An hour back, so a CA whose clock runs behind still accepts it. */
	     X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
	     X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600) &&
	     X509_set_pubkey(x, key) && X509_sign(x, key, EVP_sha256());
	X509_NAME_free(name);
	ERR_clear_error();
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static const char *cn_of(const struct lscd_config *cfg, char *buf, size_t size)
{
	if (cfg->controller_cn)
		return cfg->controller_cn;
	if (gethostname(buf, size) || !*buf)
		snprintf(buf, size, "capwap-lsc-controller");
	buf[size - 1] = '\0';
	return buf;
}

static int set_signer(struct lscd_controller *c, X509 *cert)
{
	struct scep_signer *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	if (!EVP_PKEY_up_ref(c->key)) {
		free(s);
		return -ENOMEM;
	}
	s->key = c->key;
	s->cert = cert;
	if (c->signer) {
		scep_signer_release(c->signer);
		free(c->signer);
	}
	c->signer = s;
	return 0;
}

int lscd_ctrl_load(struct lscd_controller *c, const struct lscd_config *cfg)
{
	char host[256], *kpath = NULL, *cpath = NULL;
	X509 *self;
	BIO *b;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	c->dir = strdup(cfg->state_dir);
	kpath = path_of(cfg->state_dir, "controller.key");
	cpath = path_of(cfg->state_dir, "controller.crt");
	if (!c->dir || !kpath || !cpath) {
		rc = -ENOMEM;
		goto out;
	}
	if (mkdir(cfg->state_dir, 0700) && errno != EEXIST) {
		rc = -errno;
		lsc_err("cannot create %s: %s", cfg->state_dir, strerror(-rc));
		goto out;
	}
	b = BIO_new_file(kpath, "r");
	if (b) {
		c->key = PEM_read_bio_PrivateKey_ex(b, NULL, NULL, NULL,
						    scep_libctx(), NULL);
		BIO_free(b);
		if (!c->key) {
			lsc_err("%s: not a PEM private key", kpath);
			rc = -EINVAL;
			goto out;
		}
	} else {
		lsc_info("generating the controller's %s-%u key", cfg->key_type ==
			 CAPWAP_LSC_KEY_EC ? "EC" : "RSA", cfg->key_bits);
		c->key = keygen(cfg);
		if (!c->key) {
			rc = -ENOMEM;
			goto out;
		}
		rc = lsc_pem_write_key(kpath, c->key);
		if (rc) {
			lsc_err("cannot write %s: %s", kpath, strerror(-rc));
			goto out;
		}
	}
	ERR_clear_error();
	c->cert = read_cert(cpath);
	if (c->cert && X509_check_private_key(c->cert, c->key) != 1) {
		lsc_warn("%s does not belong to %s: enrolling again", cpath, kpath);
		X509_free(c->cert);
		c->cert = NULL;
		ERR_clear_error();
	}
	if (c->cert) {
		if (!X509_up_ref(c->cert)) {
			rc = -ENOMEM;
			goto out;
		}
		rc = set_signer(c, c->cert);
	} else {
		char *spath = path_of(cfg->state_dir, "controller-self.crt");

		/*
		 * Kept across restarts: a CA answers a resumed CertPoll by
		 * encrypting to the certificate that signed the request.
		 */
		self = spath ? read_cert(spath) : NULL;
		if (self && X509_check_private_key(self, c->key) != 1) {
			X509_free(self);
			self = NULL;
			ERR_clear_error();
		}
		if (!self && spath) {
			self = self_signed(c->key, cn_of(cfg, host, sizeof(host)));
			if (self && lsc_pem_write_certs(spath, self, NULL, 0644))
				lsc_warn("cannot write %s", spath);
		}
		free(spath);
		rc = self ? set_signer(c, self) : -ENOMEM;
		if (rc)
			X509_free(self);
	}
out:
	free(kpath);
	free(cpath);
	return rc;
}

void lscd_ctrl_release(struct lscd_controller *c)
{
	if (c->signer) {
		scep_signer_release(c->signer);
		free(c->signer);
	}
	X509_free(c->cert);
	EVP_PKEY_free(c->key);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

int lscd_ctrl_csr(const struct lscd_controller *c,
		  const struct lscd_config *cfg, uint8_t **der, size_t *len)
{
	X509_REQ *req = X509_REQ_new_ex(scep_libctx(), NULL);
	X509_NAME *n = X509_NAME_new();
	unsigned char *out = NULL;
	char host[256];
	int i, l, rc = -ENOMEM;

	if (!req || !n)
		goto out;
	for (i = 1; i <= CAPWAP_LSC_SUBJ_A_MAX; i++)
		if (cfg->subject[i] &&
		    !X509_NAME_add_entry_by_NID(n, lsc_subject_field_nid(i),
						MBSTRING_UTF8,
						(const unsigned char *)cfg->subject[i],
						-1, -1, 0))
			goto out;
	if (!X509_NAME_add_entry_by_NID(n, NID_commonName, MBSTRING_UTF8,
					(const unsigned char *)cn_of(cfg, host, sizeof(host)),
					-1, -1, 0) ||
	    !X509_REQ_set_version(req, X509_REQ_VERSION_1) ||
	    !X509_REQ_set_subject_name(req, n) ||
	    !X509_REQ_set_pubkey(req, c->key))
		goto out;
	/* Our own request, so we can carry the CA's challenge in it. */
	if (cfg->challenge &&
	    !X509_REQ_add1_attr_by_NID(req, NID_pkcs9_challengePassword,
				       MBSTRING_UTF8,
				       (const unsigned char *)cfg->challenge, -1))
		goto out;
	if (!X509_REQ_sign(req, c->key, EVP_sha256()))
		goto out;
	l = i2d_X509_REQ(req, &out);
	if (l <= 0)
		goto out;
	*der = malloc((size_t)l);
	if (!*der)
		goto out;
	memcpy(*der, out, (size_t)l);
	*len = (size_t)l;
	rc = 0;
out:
	OPENSSL_free(out);
	X509_NAME_free(n);
	X509_REQ_free(req);
	ERR_clear_error();
	return rc;
}

int lscd_ctrl_save(struct lscd_controller *c)
{
	char *path = path_of(c->dir, "controller.crt");
	int rc;

	if (!path)
		return -ENOMEM;
	rc = lsc_pem_write_certs(path, c->cert, NULL, 0644);
	free(path);
	c->unsaved = rc != 0;
	return rc;
}

int lscd_ctrl_install(struct lscd_controller *c, X509 *cert)
{
	int rc;

	/*
	 * In use before it is on disk: a certificate the CA issued is not
	 * thrown away for a full disk, which would enroll again and again.
	 */
	if (!X509_up_ref(cert))
		return -ENOMEM;
	if (!X509_up_ref(cert)) {
		X509_free(cert);
		return -ENOMEM;
	}
	/* One reference for the signer, one for c->cert. */
	rc = set_signer(c, cert);
	if (rc) {
		X509_free(cert);
		X509_free(cert);
		return rc;
	}
	X509_free(c->cert);
	c->cert = cert;
	return lscd_ctrl_save(c);
}

uint64_t lscd_cert_expiry(X509 *x)
{
	struct tm tm;

	if (!x || !ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm))
		return 0;
	return (uint64_t)timegm(&tm);
}

int lscd_ctrl_check(const struct lscd_controller *c, const struct scep_ca *ca,
		    const struct lscd_config *cfg, const char **why)
{
	uint64_t exp;

	if (!c->cert) {
		*why = "the controller has no LSC yet";
		return -ENOENT;
	}
	if (ca && ca->ca && X509_check_issued(ca->ca, c->cert) != X509_V_OK) {
		*why = "the controller's LSC is not from the configured CA";
		return -ESTALE;
	}
	exp = lscd_cert_expiry(c->cert);
	if (exp <= (uint64_t)time(NULL) + (uint64_t)cfg->renew_days * 86400) {
		*why = "the controller's LSC is within its renewal window";
		return -ETIME;
	}
	return 0;
}

void lscd_ctrl_status(const struct lscd_controller *c, const struct scep_ca *ca,
		      const char *url, struct lscd_ctrl_status *st)
{
	unsigned int n = 0;

	memset(st, 0, sizeof(*st));
	st->ca_url = url;
	if (ca && ca->ca) {
		st->ca_present = true;
		st->ra_present = ca->ra_enc != ca->ca || ca->ra_sign != ca->ca;
		st->have_fp = X509_digest(ca->ca, EVP_sha256(), st->ca_fp, &n) &&
			      n == sizeof(st->ca_fp);
		st->ca_expiry = lscd_cert_expiry(ca->ca);
	}
	if (c->cert) {
		st->cert_present = true;
		st->cert_expiry = lscd_cert_expiry(c->cert);
	}
}

int lscd_ca_cache_save(const char *dir, const struct scep_ca *ca)
{
	char caps[512], *p7 = path_of(dir, "ca.p7"), *cp = path_of(dir, "ca.caps"),
	     *pem = path_of(dir, "ca.pem");
	uint8_t *der = NULL;
	size_t len = 0;
	int rc = -ENOMEM;

	if (!p7 || !cp || !pem)
		goto out;
	rc = scep_certs_to_pkcs7(ca->certs, &der, &len);
	if (!rc)
		rc = lsc_write_file_atomic(p7, der, len, 0644);
	if (!rc) {
		if (ca->caps & SCEP_CAPS_KNOWN)
			scep_caps_format(ca->caps, caps, sizeof(caps));
		else
			caps[0] = '\0';
		rc = lsc_write_file_atomic(cp, caps, strlen(caps), 0644);
	}
	if (!rc)
		rc = lsc_pem_write_certs(pem, ca->ca, NULL, 0644);
out:
	free(der);
	free(p7);
	free(cp);
	free(pem);
	return rc;
}

int lscd_ca_cache_load(const char *dir, const char *url, struct scep_ca **out)
{
	char *p7 = path_of(dir, "ca.p7"), *cp = path_of(dir, "ca.caps"), err[256];
	uint8_t *der = NULL, *caps = NULL;
	size_t len = 0, clen = 0;
	struct scep_ca *ca = NULL;
	int rc = -ENOMEM;

	if (!p7 || !cp)
		goto out;
	rc = lsc_read_file(p7, 1 << 20, &der, &len);
	if (rc)
		goto out;
	ca = scep_ca_new(url);
	if (!ca) {
		rc = -ENOMEM;
		goto out;
	}
	rc = scep_ca_set_certs(ca, "application/x-x509-ca-ra-cert", der, len,
			       err, sizeof(err));
	if (rc)
		goto out;
	if (!lsc_read_file(cp, 4096, &caps, &clen))
		ca->caps = scep_caps_parse((const char *)caps, clen);
	*out = ca;
	ca = NULL;
out:
	scep_ca_free(ca);
	free(der);
	free(caps);
	free(p7);
	free(cp);
	return rc;
}
