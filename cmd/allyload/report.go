package main

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

func report(w io.Writer, engine string, o options, rs []result) {
	by := map[string]result{}
	for _, r := range rs {
		by[r.name] = r
	}
	ceiling := by["bare SELECT handler"]
	first := by["list 50, status=active, page 1"]
	fmt.Fprintf(w, "\nengine %s · %d partners · %d clients · %s per scenario · GOMAXPROCS %d\n\n",
		engine, o.partners, o.concurrency, o.duration, runtime.GOMAXPROCS(0))
	fmt.Fprintf(w, "| scenario | req/s | p50 | p99 | errors | req/s ÷ bare SELECT | p99 ÷ bare SELECT p99 |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rs {
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %d | %.2f | %.2f |\n", r.name, r.rps(), ms(r.p50), ms(r.p99), r.errors,
			r.rps()/ceiling.rps(), float64(r.p99)/float64(ceiling.p99))
	}
	if get, ok := by["GET /partners/{id}"]; ok {
		fmt.Fprintf(w, "\nGET one partner: %.2f× the bare SELECT handler's rate (aim ≥ 0.6), p99 %.2f× its p99 (aim ≤ 1.5)\n",
			get.rps()/ceiling.rps(), float64(get.p99)/float64(ceiling.p99))
	}
	for _, name := range []string{"list 50, status=active, 2,000 deep", "list 50, status=active, 90% deep"} {
		if r, ok := by[name]; ok && first.p99 > 0 {
			fmt.Fprintf(w, "%s: p99 %.2f× page 1's (aim ≤ 1.5)\n", name, float64(r.p99)/float64(first.p99))
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
