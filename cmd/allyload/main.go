// Command allyload measures Ally's API on loopback against two ceilings
// measured in the same run: a bare net/http handler returning fixed JSON,
// and a bare handler doing the same primary-key SELECT on the same database.
// Machines are noisy, so the report is in ratios to those ceilings.
//
//	go run ./cmd/allyload                       # SQLite, 100,000 partners
//	go run ./cmd/allyload -database-url postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//	go run ./cmd/allyload -leads 1000000        # the portal's leads page, 1M leads over 1,000 partners
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bare" {
		if err := runBare(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "allyload bare:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.IntVar(&o.partners, "partners", 100_000, "partners to seed")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "measuring time per scenario")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "warm-up time per scenario")
	flag.IntVar(&o.concurrency, "concurrency", 16, "concurrent clients")
	flag.StringVar(&o.databaseURL, "database-url", "", "PostgreSQL URL (a fresh schema is made and dropped); empty for SQLite")
	flag.StringVar(&o.ally, "ally", "", "path to an ally binary (default: go build ./cmd/ally)")
	flag.IntVar(&o.leads, "leads", 0, "measure the portal's leads page instead, with this many leads (e.g. 1000000)")
	flag.IntVar(&o.leadPartners, "lead-partners", 1000, "partners the leads are dealt to (with -leads)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	do := run
	if o.leads > 0 {
		do = runLeads
	}
	if err := do(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "allyload:", err)
		os.Exit(1)
	}
}

type options struct {
	partners     int
	duration     time.Duration
	warmup       time.Duration
	concurrency  int
	databaseURL  string
	ally         string
	leads        int
	leadPartners int
}
