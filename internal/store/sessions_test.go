package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

// newSession returns a session of the subject, valid for a day, not yet stored.
func newSession(kind ally.ActorKind, subjectID, tokenHash string) *ally.Session {
	return &ally.Session{ID: ally.NewID(ally.PrefixSession), TokenHash: tokenHash, Kind: kind, SubjectID: subjectID,
		CreatedAt: now(), LastSeenAt: now(), ExpiresAt: now().Add(24 * time.Hour)}
}

func TestSessions(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		base := now()
		s := &ally.Session{ID: ally.NewID(ally.PrefixSession), TokenHash: "hash-1", Kind: ally.ActorPartner,
			SubjectID: "ctc_1", PartnerID: "ptn_1", TOTPPending: true, CreatedAt: base,
			ExpiresAt: base.Add(12 * time.Hour), IP: "192.0.2.7", UserAgent: "Firefox/140"}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.CreateSession(ctx, s) })
		if !s.LastSeenAt.Equal(base) {
			t.Errorf("last seen defaults to created: %v", s.LastSeenAt)
		}
		got, err := db.FindSessionByTokenHash(ctx, "hash-1")
		if err != nil || !reflect.DeepEqual(got, s) {
			t.Fatalf("find: %+v, %v\nwant %+v", got, err, s)
		}

		later := base.Add(time.Minute)
		mustWrite(t, db, func(tx ally.Tx) error {
			if err := tx.TouchSession(ctx, s.ID, later); err != nil {
				return err
			}
			if err := tx.TouchSession(ctx, s.ID, base); err != nil { // late and older: ignored
				return err
			}
			return tx.TouchSession(ctx, "ses_missing", later)
		})
		got, _ = db.FindSessionByTokenHash(ctx, "hash-1")
		if !got.LastSeenAt.Equal(later) || !got.TOTPPending {
			t.Errorf("after touch: %+v", got)
		}

		dup := newSession(ally.ActorStaff, "user_1", "hash-1")
		wantCode(t, db.Write(ctx, func(tx ally.Tx) error { return tx.CreateSession(ctx, dup) }), ally.ECodeConflict)
		noExpiry := newSession(ally.ActorStaff, "user_1", "hash-2")
		noExpiry.ExpiresAt = time.Time{}
		if err := db.Write(ctx, func(tx ally.Tx) error { return tx.CreateSession(ctx, noExpiry) }); err == nil {
			t.Error("a session without expiry was stored")
		}

		for range 2 { // idempotent
			mustWrite(t, db, func(tx ally.Tx) error { return tx.DeleteSession(ctx, s.ID) })
		}
		_, err = db.FindSessionByTokenHash(ctx, "hash-1")
		wantIs(t, err, ally.ErrNotFound)
	})
}

func TestDeleteSessionsOf(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		keep := newSession(ally.ActorStaff, "same_id", "keep")
		other := newSession(ally.ActorStaff, "same_id", "other")
		partner := newSession(ally.ActorPartner, "same_id", "partner") // another kind of subject
		stranger := newSession(ally.ActorStaff, "user_2", "stranger")
		mustWrite(t, db, func(tx ally.Tx) error {
			for _, s := range []*ally.Session{keep, other, partner, stranger} {
				if err := tx.CreateSession(ctx, s); err != nil {
					return err
				}
			}
			return tx.DeleteSessionsOf(ctx, ally.ActorStaff, "same_id", keep.ID)
		})
		exists := func(hash string) bool {
			_, err := db.FindSessionByTokenHash(ctx, hash)
			return err == nil
		}
		if !exists("keep") || exists("other") || !exists("partner") || !exists("stranger") {
			t.Errorf("after deleting all but one: keep %v other %v partner %v stranger %v",
				exists("keep"), exists("other"), exists("partner"), exists("stranger"))
		}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.DeleteSessionsOf(ctx, ally.ActorStaff, "same_id", "") })
		if exists("keep") || !exists("partner") {
			t.Errorf("keeping none: keep %v partner %v", exists("keep"), exists("partner"))
		}
	})
}

func TestDeleteExpiredSessions(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		at := now()
		expired := newSession(ally.ActorStaff, "u", "expired")
		expired.ExpiresAt = at.Add(-time.Millisecond)
		idle := newSession(ally.ActorStaff, "u", "idle")
		idle.LastSeenAt = at.Add(-2 * time.Hour)
		edge := newSession(ally.ActorStaff, "u", "edge") // exactly at both limits: kept
		edge.ExpiresAt, edge.LastSeenAt = at, at.Add(-time.Hour)
		fresh := newSession(ally.ActorStaff, "u", "fresh")
		var n int
		mustWrite(t, db, func(tx ally.Tx) error {
			for _, s := range []*ally.Session{expired, idle, edge, fresh} {
				if err := tx.CreateSession(ctx, s); err != nil {
					return err
				}
			}
			var err error
			n, err = tx.DeleteExpiredSessions(ctx, at, at.Add(-time.Hour))
			return err
		})
		if n != 2 {
			t.Errorf("swept %d sessions, want 2", n)
		}
		for hash, want := range map[string]bool{"expired": false, "idle": false, "edge": true, "fresh": true} {
			if _, err := db.FindSessionByTokenHash(ctx, hash); (err == nil) != want {
				t.Errorf("%s: %v", hash, err)
			}
		}
	})
}

func TestLoginFailures(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := now()
		const acct, ip = "acct:staff:ana@x.example", "ip:192.0.2.1"
		mustWrite(t, db, func(tx ally.Tx) error {
			for _, f := range []struct {
				key string
				at  time.Time
			}{{acct, t0}, {acct, t0}, {acct, t0.Add(time.Minute)}, {acct, t0.Add(2 * time.Minute)}, {ip, t0}} {
				if err := tx.RecordLoginFailure(ctx, f.key, f.at); err != nil {
					return err
				}
			}
			return nil
		})
		count := func(key string, since time.Time) int {
			t.Helper()
			n, err := db.CountLoginFailures(ctx, key, since)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, tc := range []struct {
			key   string
			since time.Time
			want  int
		}{
			{acct, t0.Add(-time.Hour), 4},
			{acct, t0, 4}, // the window includes its start
			{acct, t0.Add(time.Millisecond), 2},
			{acct, t0.Add(2 * time.Minute), 1},
			{acct, t0.Add(2*time.Minute + time.Millisecond), 0},
			{ip, t0, 1},
			{"ip:198.51.100.1", t0, 0},
		} {
			if got := count(tc.key, tc.since); got != tc.want {
				t.Errorf("%s since %v: %d, want %d", tc.key, tc.since.Sub(t0), got, tc.want)
			}
		}
		mustWrite(t, db, func(tx ally.Tx) error { return tx.ClearLoginFailures(ctx, acct) })
		if count(acct, t0.Add(-time.Hour)) != 0 || count(ip, t0) != 1 {
			t.Error("clearing one key: wrong counts after")
		}
	})
}
