/* SPDX-License-Identifier: MIT */
/*
 * csv.h - reading and writing the CSV of futexsim's result files
 * (RFC 4180 quoting), shared by the commands that write them and the
 * sweep that merges them.
 */
#ifndef FX_LIB_CSV_H
#define FX_LIB_CSV_H

#include <stdio.h>

/**
 * fx_csv_split - split one CSV line (RFC 4180 quoting) in place
 * @line: the line without its newline; modified
 * @f: out, pointers to the unquoted fields
 * @max: size of @f
 *
 * Return: the number of fields, or -EINVAL (bad quoting, too many).
 */
int fx_csv_split(char *line, char **f, int max);

/* fx_csv_field - write @s, quoted when it holds , " or newline */
void fx_csv_field(FILE *f, const char *s);

#endif /* FX_LIB_CSV_H */
