package store_test

import (
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

// TestWriteStatementsPrepared: statements a transaction meets are kept
// prepared on the SQLite writer for the next ones, and stay correct across
// a schema change, a table briefly missing and a constraint error.
func TestWriteStatementsPrepared(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		create := func(id string) error {
			return db.Write(ctx, func(tx ally.Tx) error {
				err := tx.CreateRoutingRule(ctx, &ally.RoutingRule{ID: id, Name: "Rule " + id, Priority: 1,
					Enabled: true, Mode: ally.RouteRoundRobin, CreatedAt: now(), UpdatedAt: now()})
				if err != nil {
					return err
				}
				_, err = tx.FindRoutingRules(ctx)
				return err
			})
		}
		exec := func(query string) {
			t.Helper()
			if _, err := db.SQLDB().ExecContext(ctx, query); err != nil {
				t.Fatal(err)
			}
		}
		if err := create("rule_1"); err != nil {
			t.Fatal(err)
		}
		if n := store.PreparedWrites(db); db.Engine() == store.EngineSQLite && n < 2 {
			t.Fatalf("%d statements prepared after the first transaction, want its insert and read", n)
		}
		if err := create("rule_2"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, create("rule_2"), ally.ECodeConflict)

		exec(`ALTER TABLE routing_rules ADD COLUMN note text DEFAULT 'added'`)
		if err := create("rule_3"); err != nil {
			t.Fatalf("after a new column: %v", err)
		}
		exec(`ALTER TABLE routing_rules RENAME TO routing_rules_away`)
		if err := create("rule_4"); err == nil {
			t.Fatal("insert into a missing table succeeded")
		}
		exec(`ALTER TABLE routing_rules_away RENAME TO routing_rules`)
		if err := create("rule_4"); err != nil {
			t.Fatalf("after the table came back: %v", err)
		}

		rules, err := db.FindRoutingRules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range rules {
			ids = append(ids, r.ID)
		}
		if len(ids) != 4 {
			t.Errorf("rules %v, want rule_1 … rule_4", ids)
		}
	})
}
