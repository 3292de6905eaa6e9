package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"golang.org/x/time/rate"

	"github.com/allyprm/ally/internal/ally"
)

// Rate limit defaults: requests per second per API key, and the burst.
const (
	defaultRate  = 50
	defaultBurst = 100
)

// limiter smooths API traffic with one token bucket per API key.
//
// The buckets live in memory on each node: this is smoothing, not a quota,
// so n nodes allow up to n times the rate. Counters that must hold across
// nodes (login lock-outs) live in the database instead.
type limiter struct {
	rate  rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perSecond float64, burst int) *limiter {
	if perSecond <= 0 {
		perSecond = defaultRate
	}
	if burst <= 0 {
		burst = defaultBurst
	}
	return &limiter{rate: rate.Limit(perSecond), burst: burst, buckets: map[string]*bucket{}}
}

// wait takes a token for key and returns 0, or, when the bucket is empty,
// how long until one is available (taking nothing).
func (l *limiter) wait(key string, now time.Time) time.Duration {
	l.mu.Lock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= 10_000 {
			l.sweep(now)
		}
		b = &bucket{lim: rate.NewLimiter(l.rate, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	l.mu.Unlock()

	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// sweep forgets buckets idle long enough to have refilled; keys are few,
// but revoked and rotated ones must not pile up.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.seen) > 10*time.Minute {
			delete(l.buckets, k)
		}
	}
}

// rateLimit answers 429 with Retry-After when the key's bucket is empty.
func (s *server) rateLimit(ctx huma.Context, next func(huma.Context)) {
	d := s.limiter.wait(actorFrom(ctx.Context()).ID, time.Now())
	if d == 0 {
		next(ctx)
		return
	}
	secs := int(math.Ceil(d.Seconds()))
	ctx.SetHeader("Retry-After", strconv.Itoa(max(secs, 1)))
	writeError(ctx, &apiError{status: http.StatusTooManyRequests, Err: errorBody{
		Code: ally.ECodeRateLimited, Message: "too many requests for this API key; retry after " + strconv.Itoa(max(secs, 1)) + " s"}})
}
