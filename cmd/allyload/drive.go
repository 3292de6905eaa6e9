package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// result is what one scenario measured.
type result struct {
	name     string
	requests int
	errors   int
	elapsed  time.Duration
	p50, p99 time.Duration
}

func (r result) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// request builds one request; worker is the worker's index, i its request count.
type request func(worker, i int) (*http.Request, error)

// drive runs concurrency workers issuing requests for d (after a warm-up) and
// collects every latency, so the percentiles are exact rather than sampled.
func drive(ctx context.Context, client *http.Client, name string, concurrency int, warmup, d time.Duration, next request) result {
	run := func(d time.Duration, record bool) ([][]time.Duration, []int) {
		lat := make([][]time.Duration, concurrency)
		errs := make([]int, concurrency)
		deadline := time.Now().Add(d)
		var wg sync.WaitGroup
		for w := range concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
					req, err := next(w, i)
					if err != nil {
						errs[w]++
						continue
					}
					start := time.Now()
					resp, err := client.Do(req.WithContext(ctx))
					if err == nil {
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode >= 300 {
							err = fmt.Errorf("status %d", resp.StatusCode)
						}
					}
					took := time.Since(start)
					if err != nil {
						errs[w]++
						continue
					}
					if record {
						lat[w] = append(lat[w], took)
					}
				}
			}()
		}
		wg.Wait()
		return lat, errs
	}
	run(warmup, false)
	start := time.Now()
	lat, errs := run(d, true)
	elapsed := time.Since(start)

	all := slices.Concat(lat...)
	slices.Sort(all)
	r := result{name: name, elapsed: elapsed, requests: len(all)}
	for _, e := range errs {
		r.errors += e
	}
	if len(all) > 0 {
		r.p50 = all[len(all)*50/100]
		r.p99 = all[min(len(all)-1, len(all)*99/100)]
	}
	return r
}
