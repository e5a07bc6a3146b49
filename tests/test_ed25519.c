/*
 * Ed25519 (fw/ed25519): RFC 8032 section 7.1's vectors (key from seed,
 * signature byte for byte, verification, and a one-bit change refused),
 * then every Ed25519 case of Wycheproof's ed25519_test.json when
 * ../shared/testdata/wycheproof is there (skipped, saying so, when not).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fw/ed25519.h"
#include "fw/sha512.h"

#define WYCHEPROOF "../shared/testdata/wycheproof/testvectors_v1/ed25519_test.json"

/* Return: bytes decoded, or -1 for odd length or a bad digit. */
static long unhex(uint8_t *out, size_t cap, const char *s, size_t n)
{
	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return (long)(n / 2);
}

struct rfc_vector {
	const char *seed, *pk, *msg, *sig;
};

/* RFC 8032, 7.1: TEST 1, 2, 3 and TEST SHA(abc) (its message is SHA-512("abc")). */
static const struct rfc_vector rfc[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    {"833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
     "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
};

static void rfc8032(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rfc / sizeof rfc[0]; i++) {
		uint8_t seed[32], pk[32], want_pk[32], sk[64], sig[64], want_sig[64], msg[64];
		long n;

		assert_int_equal(unhex(seed, 32, rfc[i].seed, 64), 32);
		assert_int_equal(unhex(want_pk, 32, rfc[i].pk, 64), 32);
		assert_int_equal(unhex(want_sig, 64, rfc[i].sig, 128), 64);
		n = unhex(msg, sizeof msg, rfc[i].msg, strlen(rfc[i].msg));
		assert_true(n >= 0);

		ed25519_keypair(pk, sk, seed);
		assert_memory_equal(pk, want_pk, 32);
		ed25519_sign(sig, msg, (size_t)n, sk);
		assert_memory_equal(sig, want_sig, 64);
		assert_int_equal(ed25519_verify(sig, msg, (size_t)n, pk), 0);

		/* Any one flipped bit of signature, message or key is refused. */
		for (int bit = 0; bit < 512; bit += 7) {
			sig[bit / 8] ^= (uint8_t)(1 << bit % 8);
			assert_int_equal(ed25519_verify(sig, msg, (size_t)n, pk), -1);
			sig[bit / 8] ^= (uint8_t)(1 << bit % 8);
		}
		if (n > 0) {
			msg[0] ^= 1;
			assert_int_equal(ed25519_verify(sig, msg, (size_t)n, pk), -1);
			msg[0] ^= 1;
		}
		pk[5] ^= 0x10;
		assert_int_equal(ed25519_verify(sig, msg, (size_t)n, pk), -1);
	}
}

/* The value of the next "key": "..." string at or after *p; NULL at the end. */
static const char *next_string(const char *p, const char *key, size_t *len)
{
	char pat[32];
	const char *s, *e;

	snprintf(pat, sizeof pat, "\"%s\"", key);
	s = strstr(p, pat);
	if (!s)
		return NULL;
	s = strchr(s + strlen(pat), '"');
	if (!s)
		return NULL;
	e = strchr(s + 1, '"');
	if (!e)
		return NULL;
	*len = (size_t)(e - s - 1);
	return s + 1;
}

static void wycheproof(void **state)
{
	FILE *f = fopen(WYCHEPROOF, "rb");
	static char json[1 << 20];
	static uint8_t msg[1 << 16];
	uint8_t pk[32], sig[64];
	size_t n, len;
	int cases = 0, valid = 0, wrong = 0, have_pk = 0;
	const char *p;

	(void)state;
	if (!f) {
		printf("# SKIP wycheproof: %s not found\n", WYCHEPROOF);
		skip();
	}
	n = fread(json, 1, sizeof json - 1, f);
	fclose(f);
	json[n] = '\0';
	assert_true(n > 1000 && n < sizeof json - 1);

	/* Walk the file in order: a "pk" sets the group's key, and each test's
	 * "msg", "sig", "result" follow in that order. */
	p = json;
	for (;;) {
		const char *pkv = next_string(p, "pk", &len);
		const char *m = next_string(p, "msg", &len);
		size_t mlen, slen, rlen;
		const char *sg, *res;
		long mn, sn;

		if (!m)
			break;
		if (pkv && pkv < m) {
			size_t plen;
			next_string(p, "pk", &plen);
			assert_int_equal(unhex(pk, 32, pkv, plen), 32);
			have_pk = 1;
		}
		assert_true(have_pk);
		m = next_string(p, "msg", &mlen);
		sg = next_string(m, "sig", &slen);
		res = next_string(sg, "result", &rlen);
		assert_non_null(res);
		mn = unhex(msg, sizeof msg, m, mlen);
		assert_true(mn >= 0);
		sn = unhex(sig, sizeof sig, sg, slen);
		int ok = sn == 64 && ed25519_verify(sig, msg, (size_t)mn, pk) == 0;
		int want = rlen == 5 && !strncmp(res, "valid", 5);
		if (ok != want) {
			printf("# wycheproof case %d: got %s, want %.*s\n", cases + 1,
			       ok ? "valid" : "invalid", (int)rlen, res);
			wrong++;
		}
		valid += want;
		cases++;
		p = res + rlen;
	}
	printf("# wycheproof: %d Ed25519 cases (%d valid, %d invalid), %d wrong\n", cases, valid,
	       cases - valid, wrong);
	assert_true(cases >= 100);
	assert_int_equal(wrong, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rfc8032),
	    cmocka_unit_test(wycheproof),
	};
	if (ed25519_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
