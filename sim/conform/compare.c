// SPDX-License-Identifier: MIT
/*
 * compare.c - compare the live kernel's trace of a scenario with the
 * model's, step by step, and check the scenario's own expectations.
 *
 * Two steps agree when the step's thread is blocked (or not) on both
 * sides, the same calls returned with the same values, and every futex
 * word reads the same (or faults on both sides).  On the first difference
 * the step is printed with both sides side by side, differing rows marked.
 */
#include <stdio.h>
#include <string.h>

#include "conform/conform.h"

static const struct fxc_ret *find_ret(const struct fxc_step_trace *st, int thread)
{
	for (int i = 0; i < st->nret; i++)
		if (st->rets[i].thread == thread)
			return &st->rets[i];
	return NULL;
}

static bool step_equal(const struct fxc_scenario *sc,
		       const struct fxc_step_trace *a,
		       const struct fxc_step_trace *b)
{
	if (a->blocked != b->blocked || a->nret != b->nret)
		return false;
	for (int i = 0; i < a->nret; i++)
		if (a->rets[i].thread != b->rets[i].thread ||
		    a->rets[i].ret != b->rets[i].ret)
			return false;
	for (int f = 0; f < sc->nfutexes; f++) {
		if (a->word_fault[f] != b->word_fault[f])
			return false;
		if (!a->word_fault[f] && a->words[f] != b->words[f])
			return false;
	}
	return true;
}

static void fmt_opt_ret(const struct fxc_ret *r, char *buf, size_t len)
{
	if (!r)
		snprintf(buf, len, "-");
	else
		fxc_format_ret(r->ret, buf, len);
}

static void fmt_word(const struct fxc_step_trace *st, int f, char *buf, size_t len)
{
	if (st->word_fault[f])
		snprintf(buf, len, "(fault)");
	else
		snprintf(buf, len, "0x%x", st->words[f]);
}

static void header(FILE *out, const struct fxc_scenario *sc, int i)
{
	char text[512];

	fxc_step_format(sc, &sc->steps[i], text, sizeof(text));
	fprintf(out, "  %s: %s:%d: step %d: %s\n", sc->name,
		sc->file[0] ? sc->file : "(generated)", sc->steps[i].line, i, text);
}

static void print_diff(FILE *out, const struct fxc_scenario *sc, int i,
		       const struct fxc_step_trace *k,
		       const struct fxc_step_trace *m)
{
	char a[32], b[32];

	header(out, sc, i);
	fprintf(out, "    %-12s %-14s %-14s\n", "", "kernel", "model");
	fprintf(out, "  %c %-12s %-14s %-14s\n", k->blocked != m->blocked ? '*' : ' ',
		"blocked", k->blocked ? "yes" : "no", m->blocked ? "yes" : "no");
	for (int t = 0; t < sc->nthreads; t++) {
		const struct fxc_ret *rk = find_ret(k, t), *rm = find_ret(m, t);
		bool diff = !rk != !rm || (rk && rm && rk->ret != rm->ret);

		if (!rk && !rm)
			continue;
		fmt_opt_ret(rk, a, sizeof(a));
		fmt_opt_ret(rm, b, sizeof(b));
		fprintf(out, "  %c %-12s %-14s %-14s\n", diff ? '*' : ' ',
			sc->threads[t].name, a, b);
	}
	for (int f = 0; f < sc->nfutexes; f++) {
		bool diff = k->word_fault[f] != m->word_fault[f] ||
			    (!k->word_fault[f] && k->words[f] != m->words[f]);

		fmt_word(k, f, a, sizeof(a));
		fmt_word(m, f, b, sizeof(b));
		fprintf(out, "  %c %-12s %-14s %-14s\n", diff ? '*' : ' ',
			sc->futexes[f].name, a, b);
	}
}

int fxc_compare(const struct fxc_scenario *sc, const struct fxc_trace *k,
		const struct fxc_trace *m, FILE *out)
{
	int n = k->nsteps < m->nsteps ? k->nsteps : m->nsteps;

	for (int i = 0; i < n; i++) {
		if (step_equal(sc, &k->steps[i], &m->steps[i]))
			continue;
		if (out)
			print_diff(out, sc, i, &k->steps[i], &m->steps[i]);
		return i;
	}
	if (k->nsteps != m->nsteps) {
		if (out)
			fprintf(out, "  %s: traces differ in length: kernel %d steps, model %d\n",
				sc->name, k->nsteps, m->nsteps);
		return n;
	}
	return -1;
}

static bool expect_holds(const struct fxc_step *s, const struct fxc_step_trace *st)
{
	const struct fxc_ret *r;

	r = find_ret(st, s->thread);
	if (s->expect_block)	/* the thread did not return in this step */
		return !r;
	return r && r->ret == s->expect_ret;
}

int fxc_check_expect(const struct fxc_scenario *sc, const struct fxc_trace *tr,
		     const char *side, FILE *out)
{
	for (int i = 0; i < sc->nsteps && i < tr->nsteps; i++) {
		const struct fxc_step *s = &sc->steps[i];
		const struct fxc_step_trace *st = &tr->steps[i];
		char want[32], got[32];

		if (!s->has_expect || expect_holds(s, st))
			continue;
		if (out) {
			const struct fxc_ret *r = find_ret(st, s->thread);

			if (s->expect_block)
				snprintf(want, sizeof(want), "blocks");
			else
				fxc_format_ret(s->expect_ret, want, sizeof(want));
			if (r)
				fxc_format_ret(r->ret, got, sizeof(got));
			else
				snprintf(got, sizeof(got), "%s",
					 st->blocked ? "blocks" : "no return");
			header(out, sc, i);
			fprintf(out, "    expected %s, %s gave %s\n", want, side, got);
		}
		return i;
	}
	return -1;
}

void fxc_print_trace(FILE *out, const struct fxc_scenario *sc,
		     const struct fxc_trace *tr, const char *side)
{
	char text[512], r[32];

	fprintf(out, "  trace (%s) of %s:\n", side, sc->name);
	for (int i = 0; i < tr->nsteps && i < sc->nsteps; i++) {
		const struct fxc_step_trace *st = &tr->steps[i];

		fxc_step_format(sc, &sc->steps[i], text, sizeof(text));
		fprintf(out, "    %3d %-48s |%s", i, text, st->blocked ? " blocked" : "");
		for (int k = 0; k < st->nret; k++) {
			fxc_format_ret(st->rets[k].ret, r, sizeof(r));
			fprintf(out, " %s=%s", sc->threads[st->rets[k].thread].name, r);
		}
		fprintf(out, " |");
		for (int f = 0; f < sc->nfutexes; f++) {
			if (st->word_fault[f])
				fprintf(out, " %s=(fault)", sc->futexes[f].name);
			else
				fprintf(out, " %s=0x%x", sc->futexes[f].name, st->words[f]);
		}
		fputc('\n', out);
	}
}
