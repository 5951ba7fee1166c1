/* SPDX-License-Identifier: GPL-2.0 */
/*
 * X.509 helpers the SCEP engine and its callers share: fingerprints, the
 * operator's view of a certificate, and what is read from a PKCS#10
 * request (its transactionID, its challengePassword).
 */
#ifndef LSCD_SCEP_CERT_H
#define LSCD_SCEP_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/x509.h>

/* Lower-case hex SHA-256 of the DER certificate. */
int scep_cert_fingerprint(X509 *cert, char hex[65]);
/* Subject, issuer, usage, validity and fingerprint: the "show" of a cert. */
void scep_cert_describe(X509 *cert, const char *indent, FILE *out);
/*
 * A PKCS#10 request in DER or PEM; -EBADMSG when it is neither.  Its
 * public key is left undecoded: X509_REQ_get0_pubkey() finds none, and
 * its signature checks with X509_REQ_verify_ex(req, key, NULL, NULL).
 */
int scep_csr_load(const uint8_t *data, size_t len, X509_REQ **req);
/* d2i_X509_REQ() the same way. */
X509_REQ *scep_csr_d2i(const unsigned char **pp, long len);
/* The request's public key (new reference), or NULL. */
EVP_PKEY *scep_csr_pubkey(X509_REQ *req);
int scep_transaction_id(X509_REQ *req, char hex[65]);
/* The CSR's challengePassword; -ENOENT when it carries none. */
int scep_csr_challenge(X509_REQ *req, char *buf, size_t size);

#endif /* LSCD_SCEP_CERT_H */
