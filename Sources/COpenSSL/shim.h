#ifndef SPACEPANDA_COPENSSL_SHIM_H
#define SPACEPANDA_COPENSSL_SHIM_H

// Keep the OpenSSL 1.1 APIs out: only the EVP interfaces of OpenSSL 3 are visible.
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>

// Compound macros Swift cannot import.
static const int spacepanda_EVP_PKEY_KEYPAIR = EVP_PKEY_KEYPAIR;
static const int spacepanda_EVP_PKEY_PUBLIC_KEY = EVP_PKEY_PUBLIC_KEY;

static inline OSSL_PARAM spacepanda_OSSL_PARAM_END(void) {
  OSSL_PARAM end = OSSL_PARAM_END;
  return end;
}

static inline void spacepanda_OPENSSL_free(void *p) { OPENSSL_free(p); }

// X.509 chains (MLSCrypto/X509): the STACK_OF(X509) accessors are macros.
static const int spacepanda_MBSTRING_ASC = MBSTRING_ASC;

static inline STACK_OF(X509) *spacepanda_sk_X509_new_null(void) { return sk_X509_new_null(); }

static inline int spacepanda_sk_X509_push(STACK_OF(X509) *sk, X509 *cert) {
  return sk_X509_push(sk, cert);
}

/// Frees the stack only; the certificates stay owned by their callers.
static inline void spacepanda_sk_X509_free(STACK_OF(X509) *sk) { sk_X509_free(sk); }

#endif
