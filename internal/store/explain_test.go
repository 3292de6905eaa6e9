package store_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

// TestQueriesUseIndexes checks the plan of every list, filter and sweep
// query on both engines: no full scan of a table, no sort step unless the
// query says it may sort (the index gives the order), and the named
// indexes where a particular one matters.
//
// On SQLite the planner sees statistics as a populated database would
// (ANALYZE). On PostgreSQL the tables are empty, where a sequential scan is
// always cheapest, so the test turns scans (and sorts) off for the session:
// a plan that still scans or sorts then has no index path at all.
func TestQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, engine)
			queries, err := store.PlanQueries(engine)
			if err != nil {
				t.Fatal(err)
			}
			if engine == store.EngineSQLite {
				if _, err := db.SQLDB().ExecContext(t.Context(), `ANALYZE`); err != nil {
					t.Fatal(err)
				}
			}
			for _, q := range queries {
				plan := explain(t, db, q)
				for _, bad := range badSteps(engine, plan, q.SortOK) {
					t.Errorf("%s: %q in plan:\n%s", q.Name, bad, plan)
				}
				for _, idx := range q.Uses {
					if !strings.Contains(plan, idx) {
						t.Errorf("%s: plan does not use %s:\n%s", q.Name, idx, plan)
					}
				}
				t.Logf("%s:\n%s", q.Name, plan)
			}
		})
	}
}

// explain returns the query's plan, one step per line.
func explain(t *testing.T, db *store.DB, q store.PlanQuery) string {
	t.Helper()
	ctx := t.Context()
	tx, err := db.SQLDB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	prefix := "EXPLAIN QUERY PLAN "
	if db.Engine() == store.EnginePostgres {
		prefix = "EXPLAIN "
		settings := `SET LOCAL enable_seqscan = off`
		if !q.SortOK {
			settings += `; SET LOCAL enable_sort = off`
		}
		if _, err := tx.ExecContext(ctx, settings); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := tx.QueryContext(ctx, prefix+q.Query, q.Args...)
	if err != nil {
		t.Fatalf("%s: %v", q.Name, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for rows.Next() {
		// SQLite gives (id, parent, notused, detail), PostgreSQL one text column.
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, asString(vals[len(vals)-1]))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(steps, "\n")
}

func asString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	s, _ := v.(string)
	return s
}

var (
	sqliteScan      = regexp.MustCompile(`(?m)^SCAN (\w+)$`) // a scan without "USING … INDEX"
	sqliteCoroutine = regexp.MustCompile(`(?m)^CO-ROUTINE (\w+)$`)
	pgSort          = regexp.MustCompile(`(?m)(^|->  )(Incremental )?Sort  \(`)
)

// badSteps returns the plan steps that read a whole table or sort.
func badSteps(engine, plan string, sortOK bool) []string {
	var bad []string
	if engine == store.EngineSQLite {
		// Reading a subquery's rows back (a co-routine's, which has its
		// own plan in the same text) is no table scan.
		coroutines := map[string]bool{}
		for _, m := range sqliteCoroutine.FindAllStringSubmatch(plan, -1) {
			coroutines[m[1]] = true
		}
		for _, m := range sqliteScan.FindAllStringSubmatch(plan, -1) {
			if !coroutines[m[1]] {
				bad = append(bad, m[0])
			}
		}
		if !sortOK && strings.Contains(plan, "TEMP B-TREE") {
			bad = append(bad, "TEMP B-TREE")
		}
		return bad
	}
	for _, line := range strings.Split(plan, "\n") {
		if strings.Contains(line, "Seq Scan") {
			bad = append(bad, strings.TrimSpace(line))
		}
	}
	if !sortOK {
		bad = append(bad, pgSort.FindAllString(plan, -1)...)
	}
	return bad
}
