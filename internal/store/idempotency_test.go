package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/allyprm/ally/internal/ally"
	"github.com/allyprm/ally/internal/store"
)

func TestIdempotencyKeys(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		start := now()
		r := &ally.IdempotencyRecord{KeyID: "key_1", Key: "retry-me", RequestHash: "h1", CreatedAt: start}
		claim := func(r *ally.IdempotencyRecord) (ok bool) {
			t.Helper()
			mustWrite(t, db, func(tx ally.Tx) (err error) { ok, err = tx.ClaimIdempotencyKey(ctx, r); return err })
			return ok
		}
		reclaim := func(r *ally.IdempotencyRecord, staleBefore time.Time) (ok bool) {
			t.Helper()
			mustWrite(t, db, func(tx ally.Tx) (err error) { ok, err = tx.ReclaimIdempotencyKey(ctx, r, staleBefore); return err })
			return ok
		}
		if !claim(r) {
			t.Fatal("first claim failed")
		}
		if claim(&ally.IdempotencyRecord{KeyID: "key_1", Key: "retry-me", RequestHash: "h2", CreatedAt: start}) {
			t.Fatal("second claim succeeded")
		}
		if !claim(&ally.IdempotencyRecord{KeyID: "key_2", Key: "retry-me", RequestHash: "h1", CreatedAt: start}) {
			t.Fatal("the same key under another API key should be claimable")
		}
		got, err := db.FindIdempotencyRecord(ctx, "key_1", "retry-me")
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Fatalf("find: %+v, %v; want %+v", got, err, r)
		}

		later := &ally.IdempotencyRecord{KeyID: "key_1", Key: "retry-me", RequestHash: "h3", CreatedAt: start.Add(time.Minute)}
		if reclaim(later, start) {
			t.Fatal("reclaimed a record that is not stale")
		}
		if !reclaim(later, start.Add(time.Second)) {
			t.Fatal("could not reclaim a stale record")
		}
		got, _ = db.FindIdempotencyRecord(ctx, "key_1", "retry-me")
		if got.RequestHash != "h3" || !got.CreatedAt.Equal(later.CreatedAt) {
			t.Fatalf("after reclaim: %+v", got)
		}

		later.Status, later.Body = 201, []byte(`{"data":{"id":"ptn_x"}}`)
		mustWrite(t, db, func(tx ally.Tx) error { return tx.CompleteIdempotencyKey(ctx, later) })
		got, _ = db.FindIdempotencyRecord(ctx, "key_1", "retry-me")
		if !reflect.DeepEqual(got, later) {
			t.Fatalf("after complete: %+v, want %+v", got, later)
		}
		if reclaim(&ally.IdempotencyRecord{KeyID: "key_1", Key: "retry-me", RequestHash: "h4", CreatedAt: start.Add(time.Hour)}, start.Add(time.Hour)) {
			t.Fatal("reclaimed a completed record")
		}
		err = db.Write(ctx, func(tx ally.Tx) error {
			return tx.CompleteIdempotencyKey(ctx, &ally.IdempotencyRecord{KeyID: "key_1", Key: "nope", Status: 200})
		})
		wantIs(t, err, ally.ErrNotFound)

		mustWrite(t, db, func(tx ally.Tx) error { return tx.DeleteIdempotencyKey(ctx, "key_1", "retry-me") })
		mustWrite(t, db, func(tx ally.Tx) error { return tx.DeleteIdempotencyKey(ctx, "key_1", "retry-me") })
		_, err = db.FindIdempotencyRecord(ctx, "key_1", "retry-me")
		wantIs(t, err, ally.ErrNotFound)
		if !claim(r) {
			t.Fatal("claim after delete failed")
		}
	})
}
