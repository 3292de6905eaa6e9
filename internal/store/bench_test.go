package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
	"github.com/allyprm/ally/internal/store/storetest"
)

const benchPartners = 20_000

// benchStore returns a store seeded with benchPartners partners (in one
// transaction) and their ids in order. Users, statuses and categories vary
// so the filtered lists have realistic selectivity.
func benchStore(b *testing.B, engine string) (*store.DB, []string) {
	b.Helper()
	db := storetest.Open(b, engine)
	users := []*ally.User{mustUser(b, db, "a@v.example"), mustUser(b, db, "b@v.example"), mustUser(b, db, "c@v.example")}
	statuses := []ally.PartnerStatus{ally.StatusOnboarding, ally.StatusActive, ally.StatusDormant}
	ids := make([]string, 0, benchPartners)
	mustWrite(b, db, func(tx ally.Tx) error {
		for i := range benchPartners {
			p := newPartner(fmt.Sprintf("Partner %05d", i))
			p.Domain = fmt.Sprintf("p%05d.example", i)
			p.Status = statuses[i%3]
			p.OwnerID, p.ManagerID = users[i%3].ID, users[(i+1)%3].ID
			p.Categories = []string{"reseller"}
			if i%4 == 0 {
				p.Categories = append(p.Categories, "emea")
			}
			p.CompanyCRMProperties = map[string]any{"industry": "Software", "employees": float64(i)}
			if err := tx.CreatePartner(context.Background(), p); err != nil {
				return err
			}
			ids = append(ids, p.ID)
		}
		return nil
	})
	slices.Sort(ids)
	return db, ids
}

func BenchmarkFindPartnerByID(b *testing.B) {
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db, ids := benchStore(b, engine)
			ctx := context.Background()
			i := 0
			for b.Loop() {
				if _, err := db.FindPartnerByID(ctx, ids[i%len(ids)]); err != nil {
					b.Fatal(err)
				}
				i += 7919
			}
		})
	}
}

func BenchmarkFindPartnersFirstPage(b *testing.B) {
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db, _ := benchStore(b, engine)
			benchList(b, db, map[string]ally.PartnerFilter{
				"all":      {Limit: 50},
				"status":   {Status: ally.StatusActive, Limit: 50},
				"category": {Category: "emea", Limit: 50},
			})
		})
	}
}

// BenchmarkFindPartnersDeepPage reads the 50 rows after the first 2,000
// matches of each filter by cursor: keyset paging costs what the first page does.
func BenchmarkFindPartnersDeepPage(b *testing.B) {
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db, ids := benchStore(b, engine)
			// benchStore makes every third partner active (i%3 == 1) and every fourth emea (i%4 == 0).
			benchList(b, db, map[string]ally.PartnerFilter{
				"all":      {After: ids[1999], Limit: 50},
				"status":   {Status: ally.StatusActive, After: ids[3*1999+1], Limit: 50},
				"category": {Category: "emea", After: ids[4*1999], Limit: 50},
			})
		})
	}
}

func benchList(b *testing.B, db *store.DB, filters map[string]ally.PartnerFilter) {
	ctx := context.Background()
	for _, name := range []string{"all", "status", "category"} {
		f := filters[name]
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				ps, err := db.FindPartners(ctx, f)
				if err != nil || len(ps) != f.Limit {
					b.Fatalf("%d partners, %v", len(ps), err)
				}
			}
		})
	}
}

func BenchmarkUpdatePartner(b *testing.B) {
	for _, engine := range storetest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db, ids := benchStore(b, engine)
			ctx := context.Background()
			p, err := db.FindPartnerByID(ctx, ids[len(ids)/2])
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				p.Description = fmt.Sprint("version ", p.Version)
				p.UpdatedAt = now()
				if err := db.Write(ctx, func(tx ally.Tx) error { return tx.UpdatePartner(ctx, p) }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
