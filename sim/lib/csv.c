// SPDX-License-Identifier: MIT
/*
 * csv.c - the CSV of futexsim's result files (RFC 4180): a field holding
 * a comma, a quote or a newline is quoted, quotes doubled.  Writing a
 * split field back with fx_csv_field() gives the bytes it was read
 * from, which keeps a merged file byte-identical to its cells.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"

int fx_csv_split(char *line, char **f, int max)
{
	int n = 0;
	char *r = line;

	for (;;) {
		char *w, *start;

		if (n == max)
			return -EINVAL;
		start = w = r;
		if (*r == '"') {
			r++;
			for (;;) {
				if (!*r)
					return -EINVAL;
				if (*r == '"') {
					if (r[1] != '"')
						break;
					r++;
				}
				*w++ = *r++;
			}
			r++;		/* the closing quote */
			if (*r && *r != ',')
				return -EINVAL;
		} else {
			while (*r && *r != ',') {
				if (*r == '"')
					return -EINVAL;
				w++, r++;
			}
		}
		f[n++] = start;
		if (!*r) {
			*w = '\0';
			return n;
		}
		*w = '\0';
		r++;
	}
}

void fx_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}
