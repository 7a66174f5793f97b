#ifndef AKANA_CCRYPTO_SHIM_H
#define AKANA_CCRYPTO_SHIM_H
// OpenSSL's libcrypto (Debian: libssl-dev): PBKDF2 for password hashes, HMAC-SHA256 for cookie
// signatures, RAND_bytes for tokens and secrets,
// SHA-256 for the migrations' checksums.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#endif
