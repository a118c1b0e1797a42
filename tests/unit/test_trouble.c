// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* fleet/trouble.c: each kind of trouble said once a spell, the end of the
 * spell said once, and a new spell says its troubles again (the words:
 * tests/fleet/refusals.sh and locks.sh). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>
#include "fleet/trouble.h"

static struct pg_err err(const char *state)
{
	struct pg_err e = { .lost = !*state };

	snprintf(e.state, sizeof(e.state), "%s", state);
	snprintf(e.msg, sizeof(e.msg), "as a test would have it");
	return e;
}

static void test_once_a_spell(void **state)
{
	struct pg_err full = err("53100"), cancel = err("57014"), lost = err("");
	struct trouble t;

	(void)state;
	trouble_init(&t);
	assert_false(trouble_over(&t, 1));			/* no spell: nothing */
	for (int spell = 0; spell < 2; spell++) {
		double t0 = 10 + 100 * spell;

		assert_true(trouble_refused(&t, "d/2026-12-01", &full, t0, 30));
		assert_false(trouble_refused(&t, "d/2026-12-02", &full, t0 + 1, 30));
		assert_true(trouble_refused(&t, "d/2026-12-01", &cancel, t0 + 2, 30));
		assert_true(trouble_lost(&t, &lost, t0 + 3, 30));
		assert_false(trouble_lost(&t, &lost, t0 + 4, 30));
		assert_false(trouble_refused(&t, "d/2026-12-01", &full, t0 + 5, 30));
		assert_true(t.lost);
		assert_true(t.since == t0);
		assert_true(trouble_over(&t, t0 + 12));
		assert_false(trouble_over(&t, t0 + 13));
		assert_true(t.since < 0 && !t.lost && !t.nsaid);
	}
}

/* More kinds than it keeps: each still said at most once. */
static void test_many_kinds(void **state)
{
	char states[TROUBLE_KINDS + 2][6];
	struct trouble t;
	int said = 0;

	(void)state;
	trouble_init(&t);
	for (int i = 0; i < TROUBLE_KINDS + 2; i++) {
		struct pg_err e;

		snprintf(states[i], sizeof(states[i]), "5300%d", i);
		e = err(states[i]);
		said += trouble_refused(&t, "d", &e, 1, 30);
	}
	assert_int_equal(said, TROUBLE_KINDS + 2);
	for (int i = 0; i < TROUBLE_KINDS; i++) {
		struct pg_err e = err(states[i]);

		assert_false(trouble_refused(&t, "d", &e, 2, 30));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_once_a_spell),
		cmocka_unit_test(test_many_kinds),
	};

	return cmocka_run_group_tests_name("trouble", tests, NULL, NULL);
}
