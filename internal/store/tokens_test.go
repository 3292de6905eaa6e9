package store_test

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

// newToken returns an unused token of the partner user, valid for an hour.
func newToken(purpose ally.TokenPurpose, contactID, hash string) *ally.Token {
	return &ally.Token{Hash: hash, Purpose: purpose, SubjectKind: ally.ActorPartner, SubjectID: contactID,
		CreatedAt: now(), ExpiresAt: now().Add(time.Hour)}
}

func TestTokens(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		at := now()
		tk := &ally.Token{Hash: "tok-1", Purpose: ally.TokenEmailChange, SubjectKind: ally.ActorPartner, SubjectID: "ctc_1",
			PartnerID: "ptn_1", Email: "new@acme.example", Data: `{"old":"old@acme.example"}`,
			CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
		signup := &ally.Token{Hash: "tok-signup", Purpose: ally.TokenSignup, PartnerID: "ptn_1", Email: "x@acme.example",
			CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
		mustWrite(t, db, func(tx ally.Tx) error {
			if err := tx.CreateToken(ctx, tk); err != nil {
				return err
			}
			return tx.CreateToken(ctx, signup)
		})
		for _, want := range []*ally.Token{tk, signup} {
			if got, err := db.FindTokenByHash(ctx, want.Hash); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("find: %+v, %v\nwant %+v", got, err, want)
			}
		}
		wantCode(t, db.Write(ctx, func(tx ally.Tx) error { return tx.CreateToken(ctx, tk) }), ally.ECodeConflict)

		use := func(hash string, purpose ally.TokenPurpose, when time.Time) (*ally.Token, error) {
			var got *ally.Token
			err := db.Write(ctx, func(tx ally.Tx) error {
				var err error
				got, err = tx.UseToken(ctx, hash, purpose, when)
				return err
			})
			return got, err
		}
		_, err := use("tok-1", ally.TokenReset, at) // wrong purpose
		wantIs(t, err, ally.ErrNotFound)
		_, err = use("tok-unknown", ally.TokenEmailChange, at)
		wantIs(t, err, ally.ErrNotFound)
		usedAt := at.Add(time.Minute)
		got, err := use("tok-1", ally.TokenEmailChange, usedAt)
		want := *tk
		want.UsedAt = usedAt
		if err != nil || !reflect.DeepEqual(got, &want) {
			t.Fatalf("use: %+v, %v\nwant %+v", got, err, &want)
		}
		_, err = use("tok-1", ally.TokenEmailChange, usedAt)
		wantIs(t, err, ally.ErrNotFound)
		if got, _ := db.FindTokenByHash(ctx, "tok-1"); !got.UsedAt.Equal(usedAt) {
			t.Errorf("used at %v, want %v", got.UsedAt, usedAt)
		}

		// Expiry: usable up to the millisecond before ExpiresAt.
		_, err = use("tok-signup", ally.TokenSignup, signup.ExpiresAt)
		wantIs(t, err, ally.ErrNotFound)
		if _, err := use("tok-signup", ally.TokenSignup, signup.ExpiresAt.Add(-time.Millisecond)); err != nil {
			t.Errorf("use just before expiry: %v", err)
		}
	})
}

func TestDeleteTokensOf(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		invite, invite2 := newToken(ally.TokenInvite, "ctc_1", "invite"), newToken(ally.TokenInvite, "ctc_1", "invite2")
		used := newToken(ally.TokenInvite, "ctc_1", "used")
		used.UsedAt = now()
		reset := newToken(ally.TokenReset, "ctc_1", "reset")
		otherContact := newToken(ally.TokenInvite, "ctc_2", "other")
		staff := newToken(ally.TokenInvite, "ctc_1", "staff")
		staff.SubjectKind = ally.ActorStaff
		mustWrite(t, db, func(tx ally.Tx) error {
			for _, tk := range []*ally.Token{invite, invite2, used, reset, otherContact, staff} {
				if err := tx.CreateToken(ctx, tk); err != nil {
					return err
				}
			}
			return tx.DeleteTokensOf(ctx, ally.TokenInvite, ally.ActorPartner, "ctc_1")
		})
		for hash, want := range map[string]bool{"invite": false, "invite2": false, "used": true, "reset": true, "other": true, "staff": true} {
			if _, err := db.FindTokenByHash(ctx, hash); (err == nil) != want {
				t.Errorf("%s: exists %v, want %v", hash, err == nil, want)
			}
		}
	})
}

// TestUseTokenConcurrent has ten transactions use one token at once: on
// every engine exactly one gets it.
func TestUseTokenConcurrent(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		for round := range 5 {
			tk := newToken(ally.TokenReset, "ctc_1", "race-"+string(rune('a'+round)))
			mustWrite(t, db, func(tx ally.Tx) error { return tx.CreateToken(ctx, tk) })
			var wg sync.WaitGroup
			errs := make([]error, 10)
			start := make(chan struct{})
			for i := range errs {
				wg.Go(func() {
					<-start
					errs[i] = db.Write(ctx, func(tx ally.Tx) error {
						_, err := tx.UseToken(ctx, tk.Hash, ally.TokenReset, now())
						return err
					})
				})
			}
			close(start)
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !ally.IsNotFound(err):
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if won != 1 {
				t.Fatalf("round %d: %d transactions used the token, want 1", round, won)
			}
		}
	})
}
