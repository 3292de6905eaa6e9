package app

import (
	"context"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// Lock-out counters live in the database (CountLoginFailures and friends), so
// they hold across app nodes. A key names what is counted.

// accountKey counts failed sign-ins to one account, known or not, so a
// locked answer cannot tell whether the account exists.
func accountKey(kind ally.ActorKind, email string) string {
	if kind == ally.ActorStaff {
		return "acct:staff:" + email
	}
	return "acct:partner:" + email
}

// limit is one counter and the count at which it locks.
type limit struct {
	key string
	max int
}

// signInLimits are the counters a sign-in attempt is checked against and
// adds to on failure: the account, and the client's IP when known. Without
// an IP (a misconfigured proxy, the CLI) the IP counter is skipped rather
// than shared by everyone, which would let one attacker lock all users out.
func (a *App) signInLimits(kind ally.ActorKind, email string, meta ClientMeta) []limit {
	p := a.policy()
	ls := []limit{{accountKey(kind, email), p.AccountFailures}}
	if meta.IP != "" {
		ls = append(ls, limit{"ip:" + meta.IP, p.IPFailures})
	}
	return ls
}

// checkLimits returns ECodeRateLimited when any counter has reached its limit
// within the window, saying when the caller may try again.
func (a *App) checkLimits(ctx context.Context, ls []limit) error {
	now := a.clock()
	var wait time.Duration
	for _, l := range ls {
		d, err := a.lockedFor(ctx, l, now)
		if err != nil {
			return err
		}
		wait = max(wait, d)
	}
	if wait > 0 {
		return ally.Errorf(ally.ECodeRateLimited, "too many attempts; try again in %s", plural(int(wait/time.Minute), "minute"))
	}
	return nil
}

// lockedFor returns how long l stays locked, 0 when it is not. The window
// slides, so the lock ends when enough failures have aged out of it; a few
// extra counts find that minute, and they run only on the locked path.
func (a *App) lockedFor(ctx context.Context, l limit, now time.Time) (time.Duration, error) {
	window := a.policy().FailureWindow
	n, err := a.store.CountLoginFailures(ctx, l.key, now.Add(-window))
	if err != nil || n < l.max {
		return 0, err
	}
	lo, hi := 1, int((window+time.Minute-1)/time.Minute)
	for lo < hi {
		mid := (lo + hi) / 2
		// The millisecond: a failure exactly at the window's start still counts.
		n, err := a.store.CountLoginFailures(ctx, l.key, now.Add(-window+time.Duration(mid)*time.Minute+time.Millisecond))
		if err != nil {
			return 0, err
		}
		if n < l.max {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return time.Duration(lo) * time.Minute, nil
}

// recordFailures adds one failure to each counter, in tx.
func (a *App) recordFailures(ctx context.Context, tx ally.Tx, ls []limit) error {
	now := a.clock()
	for _, l := range ls {
		if err := tx.RecordLoginFailure(ctx, l.key, now); err != nil {
			return err
		}
	}
	return nil
}

// checkPassword compares password with hash. With no hash (no such account)
// it hashes anyway against a dummy, so the answer takes as long either way
// and timing does not reveal which e-mail addresses have accounts.
func (a *App) checkPassword(hash, password string) bool {
	if len(password) > ally.MaxPasswordBytes {
		password = password[:ally.MaxPasswordBytes] // still hash, still fail below
		hash = ""
	}
	if hash == "" {
		a.auth.dummyOnce.Do(func() { a.auth.dummyHash = HashPassword("ally dummy password") })
		CheckPassword(a.auth.dummyHash, password)
		return false
	}
	return CheckPassword(hash, password)
}

// errWrongCredentials is the one answer to every failed sign-in.
func errWrongCredentials() error {
	return ally.Errorf(ally.ECodeUnauthorized, "wrong e-mail or password")
}
