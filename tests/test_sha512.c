/*
 * SHA-512 (fw/sha512): FIPS 180-4's published digests, one call and
 * incremental in odd-sized pieces (how release files are hashed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fw/sha512.h"

static void hex(char out[2 * SHA512_BYTES + 1], const uint8_t d[SHA512_BYTES])
{
	for (int i = 0; i < SHA512_BYTES; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void check(const char *msg, size_t len, const char *want)
{
	uint8_t d[SHA512_BYTES];
	char got[2 * SHA512_BYTES + 1];
	struct sha512 h;
	size_t piece = 1;

	sha512(d, msg, len);
	hex(got, d);
	assert_string_equal(got, want);

	/* The same bytes fed in growing, odd-sized pieces. */
	sha512_init(&h);
	for (size_t off = 0; off < len; off += piece, piece = piece * 3 + 1)
		sha512_update(&h, msg + off, piece < len - off ? piece : len - off);
	sha512_final(&h, d);
	hex(got, d);
	assert_string_equal(got, want);
}

static void fips_abc(void **state)
{
	(void)state;
	check("abc", 3,
	      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

static void fips_empty(void **state)
{
	(void)state;
	check("", 0,
	      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
	      "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
}

static void fips_two_blocks(void **state)
{
	static const char m[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	                        "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	(void)state;
	check(m, sizeof m - 1,
	      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
	      "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
}

static void fips_million_a(void **state)
{
	static char m[1000000];
	(void)state;
	memset(m, 'a', sizeof m);
	check(m, sizeof m,
	      "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
	      "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fips_abc),
	    cmocka_unit_test(fips_empty),
	    cmocka_unit_test(fips_two_blocks),
	    cmocka_unit_test(fips_million_a),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
