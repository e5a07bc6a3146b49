/*
 * fontgen: turn a hand-drawn font source (fonts/NAME.txt) into the C table
 * the firmware links (fonts/NAME.c). A build-time tool: it runs on the
 * developer's machine, never on the box.
 *
 *   cc -std=c11 -O2 -o fontgen tools/fontgen.c
 *   ./fontgen fonts/mono8x16.txt > fonts/mono8x16.c
 *
 * Source format (see fonts/mono8x16.txt):
 *   # comment                      anywhere, also blank lines
 *   name NAME                      C identifier: the table is font_NAME
 *   size W H                       cell size in pixels (W <= 32, H <= 64)
 *   baseline ROW                   row the capitals stand on
 *   missing CODE                   glyph drawn for code points not covered
 *   char CODE [LABEL...]           then exactly H rows of W '#'/'.' characters
 * Codes are decimal or 0x hex and must form one run without gaps.
 * Every mistake is reported as FILE:LINE: and the tool exits 1.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_W 32
#define MAX_H 64
#define MAX_CODES 256

struct glyph {
	int defined;
	char label[32];
	unsigned long rows[MAX_H]; /* bit W-1-x is pixel x */
};

static const char *src_path;
static int line_no;
static struct glyph glyphs[MAX_CODES];

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", src_path, line_no);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Parse a decimal or 0x number that makes up the whole word. */
static long number(const char *word, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(word, &end, 0);
	if (errno || end == word || *end)
		fail("%s: '%s' is not a number", what, word);
	return v;
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
}

int main(int argc, char **argv)
{
	char line[256], name[64] = "";
	int w = 0, h = 0, baseline = -1, missing = -1;
	int first = -1, last = -1, c, r;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FONT.txt > FONT.c\n", argv[0]);
		return 2;
	}
	src_path = argv[1];
	f = fopen(src_path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", src_path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof line, f)) {
		char word[32], arg[64], arg2[64];
		int n;

		line_no++;
		chomp(line);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		n = sscanf(line, "%31s %63s %63s", word, arg, arg2);
		if (strcmp(word, "name") == 0 && n == 2) {
			for (const char *p = arg; *p; p++)
				if (!isalnum((unsigned char)*p) && *p != '_')
					fail("name '%s' is not a C identifier", arg);
			snprintf(name, sizeof name, "%s", arg);
		} else if (strcmp(word, "size") == 0 && n == 3) {
			w = (int)number(arg, "width");
			h = (int)number(arg2, "height");
			if (w < 1 || w > MAX_W || h < 1 || h > MAX_H)
				fail("size %dx%d is outside 1x1 .. %dx%d", w, h, MAX_W, MAX_H);
		} else if (strcmp(word, "baseline") == 0 && n == 2) {
			baseline = (int)number(arg, "baseline");
		} else if (strcmp(word, "missing") == 0 && n == 2) {
			missing = (int)number(arg, "missing");
		} else if (strcmp(word, "char") == 0 && n >= 2) {
			struct glyph *g;
			const char *label;

			if (w == 0)
				fail("char before size");
			c = (int)number(arg, "code");
			if (c < 0 || c >= MAX_CODES)
				fail("code %d is outside 0..%d", c, MAX_CODES - 1);
			g = &glyphs[c];
			if (g->defined)
				fail("code %d is drawn twice", c);
			g->defined = 1;
			label = line + strlen("char");
			while (*label == ' ')
				label++;
			label += strlen(arg);
			while (*label == ' ')
				label++;
			snprintf(g->label, sizeof g->label, "%s", label);
			/* The label goes into a C comment: no comment delimiters. */
			for (char *p = g->label; p[0] && p[1]; p++)
				if ((p[0] == '*' && p[1] == '/') || (p[0] == '/' && p[1] == '*'))
					p[1] = ' ';
			for (r = 0; r < h; r++) {
				line_no++;
				if (!fgets(line, sizeof line, f))
					fail("code %d: %d rows, expected %d", c, r, h);
				chomp(line);
				if ((int)strlen(line) != w)
					fail("code %d row %d: %zu pixels, expected %d", c, r,
					     strlen(line), w);
				g->rows[r] = 0;
				for (int x = 0; x < w; x++) {
					if (line[x] == '#')
						g->rows[r] |= 1ul << (w - 1 - x);
					else if (line[x] != '.')
						fail("code %d row %d: '%c' is neither '#' nor '.'",
						     c, r, line[x]);
				}
			}
			if (first < 0 || c < first)
				first = c;
			if (c > last)
				last = c;
		} else {
			fail("cannot read '%s'", line);
		}
	}
	fclose(f);
	line_no = 0;
	if (!name[0] || w == 0 || first < 0)
		fail("needs name, size and at least one char");
	for (c = first; c <= last; c++)
		if (!glyphs[c].defined)
			fail("code %d is missing (codes must form one run %d..%d)", c, first, last);
	if (missing < first || missing > last)
		fail("missing %d is not drawn", missing);
	if (baseline < 0 || baseline >= h)
		fail("baseline %d is outside the cell", baseline);

	int row_bytes = (w + 7) / 8;

	printf("/*\n * %s.c: generated by tools/fontgen.c from %s; do not edit.\n", name, src_path);
	printf(" * Regenerate from the top of the tree:\n");
	printf(" *   cc -std=c11 -O2 -o fontgen tools/fontgen.c\n");
	printf(" *   ./fontgen %s > fonts/%s.c\n */\n", src_path, name);
	printf("#include \"font.h\"\n\n");
	/* One glyph per paragraph reads better than one byte per line. */
	printf("/* clang-format off */\n");
	printf("static const uint8_t bits[%d * %d * %d] = {\n", last - first + 1, h, row_bytes);
	for (c = first; c <= last; c++) {
		int n = 0, total = h * row_bytes;

		printf("\t/* %d %s */\n", c, glyphs[c].label);
		for (r = 0; r < h; r++) {
			for (int b = row_bytes - 1; b >= 0; b--) {
				/* Left-align the row in its bytes: top bit = pixel 0. */
				unsigned long v = glyphs[c].rows[r] << (row_bytes * 8 - w);

				/* Eight bytes a line keeps within 100 columns. */
				n++;
				printf("%s0x%02lx,%s", n % 8 == 1 ? "\t" : "",
				       (v >> (b * 8)) & 0xff,
				       (n % 8 == 0 || n == total) ? "\n" : " ");
			}
		}
	}
	printf("};\n/* clang-format on */\n\n");
	printf("const struct font font_%s = {\n", name);
	printf("\t.name = \"%s\",\n", name);
	printf("\t.w = %d,\n\t.h = %d,\n\t.baseline = %d,\n", w, h, baseline);
	printf("\t.first = %d,\n\t.count = %d,\n\t.missing = %d,\n", first, last - first + 1,
	       missing);
	printf("\t.row_bytes = %d,\n\t.bits = bits,\n};\n", row_bytes);
	return 0;
}
