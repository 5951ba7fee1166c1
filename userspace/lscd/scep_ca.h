/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a CA is known by: its URL, its capabilities and its certificates,
 * with the CA, RA encryption and RA signing roles told apart from what
 * GetCACert returned (RFC 8894 section 3.5).
 */
#ifndef LSCD_SCEP_CA_H
#define LSCD_SCEP_CA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/x509.h>

struct scep_ca {
	char *url;
	unsigned int caps;		/* enum scep_cap */
	X509 *ca;			/* issuing CA; pinned by fingerprint */
	X509 *ra_enc;			/* pkcsPKIEnvelope recipient (RA or CA) */
	X509 *ra_sign;			/* CertRep signer (RA or CA) */
	STACK_OF(X509) *certs;		/* everything GetCACert returned */
	/*
	 * The issuing CA up to its root, verified (scep_ca_build_chain): what
	 * the kernel and the APs trust, and what issued certificates are
	 * checked against.
	 */
	STACK_OF(X509) *chain;
	/* For requests (scep_caps_pick); NULL until picked. */
	const char *cipher;
	const char *digest;
	/* Transactions hold a reference: a CA retired by a reload stays
	 * alive until the last one that uses it ends. */
	unsigned int refs;
};

/* One reference, the caller's; scep_ca_free() drops one. */
struct scep_ca *scep_ca_new(const char *url);
struct scep_ca *scep_ca_ref(struct scep_ca *ca);
void scep_ca_free(struct scep_ca *ca);
int scep_ca_set_certs(struct scep_ca *ca, const char *content_type,
		      const uint8_t *body, size_t len, char *err, size_t errlen);
/*
 * Builds ca->chain from the issuing CA to a self-signed root, from the
 * certificates GetCACert returned and the roots in root_pem (a PEM file,
 * may be NULL): step-ca, for one, returns only its intermediate.  Every
 * signature and validity is checked, and no partial chain is accepted.
 */
int scep_ca_build_chain(struct scep_ca *ca, const char *root_pem, char *err,
			size_t errlen);
int scep_ca_check_fingerprint(const struct scep_ca *ca, const char *hex);
/*
 * The certificates' roles (CA, RA encryption, RA signing) in certs, which
 * it takes in all cases; op names the operation in err.
 */
int scep_ca_take_certs(struct scep_ca *ca, STACK_OF(X509) *certs,
		       const char *op, char *err, size_t errlen);
/*
 * A GetNextCACert reply (RFC 8894 section 4.7): a SignedData by the current
 * CA or its RA signing certificate (which the CA signed) around a
 * degenerate PKCS#7 with the next CA's certificates.  *next gets them with
 * their roles.  -EKEYREJECTED when it is not signed so (unsigned, or by
 * another key), -EBADMSG when it is no SignedData.  fp gets the SHA-256 of
 * the announced issuing CA whenever it could be read, signed or not ("").
 */
int scep_ca_next(const struct scep_ca *ca, const uint8_t *body, size_t len,
		 struct scep_ca **next, char fp[65], char *err, size_t errlen);
/* URL of an operation, with the message percent-encoded when given. */
char *scep_ca_url(const struct scep_ca *ca, const char *operation,
		  const char *message);
/* Every certificate GetCACert returned, with its role. */
void scep_ca_describe(const struct scep_ca *ca, const char *indent, FILE *out);

#endif /* LSCD_SCEP_CA_H */
