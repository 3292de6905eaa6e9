package app

import (
	"context"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// idempotencyStale is how long an unfinished request holds its key; after
// that a retry may take it over (the first attempt's process likely died).
const idempotencyStale = time.Minute

// BeginIdempotent claims an Idempotency-Key for the actor. It returns the
// stored record when the same request already completed, so the caller can
// replay its response; nil means go ahead and call FinishIdempotent after.
func (a *App) BeginIdempotent(ctx context.Context, actor ally.Actor, key, requestHash string) (*ally.IdempotencyRecord, error) {
	var done *ally.IdempotencyRecord
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		rec := &ally.IdempotencyRecord{KeyID: idempotencyOwner(actor), Key: key, RequestHash: requestHash, CreatedAt: a.clock()}
		claimed, err := tx.ClaimIdempotencyKey(ctx, rec)
		if err != nil || claimed {
			return err
		}
		prev, err := tx.FindIdempotencyRecord(ctx, rec.KeyID, key)
		if err != nil {
			return err
		}
		switch {
		case prev.RequestHash != requestHash:
			return ally.Errorf(ally.ECodeInvalid, "this Idempotency-Key was used with a different request")
		case prev.Status != 0:
			done = prev
			return nil
		}
		ok, err := tx.ReclaimIdempotencyKey(ctx, rec, a.clock().Add(-idempotencyStale))
		if err == nil && !ok {
			err = ally.Errorf(ally.ECodeConflict, "a request with this Idempotency-Key is still in progress")
		}
		return err
	})
	return done, err
}

// FinishIdempotent stores the response for replay. Responses that should not
// be replayed (server errors) release the key instead, so a retry runs again.
func (a *App) FinishIdempotent(ctx context.Context, actor ally.Actor, key string, status int, body []byte) error {
	return a.store.Write(ctx, func(tx ally.Tx) error {
		if status >= 500 {
			return tx.DeleteIdempotencyKey(ctx, idempotencyOwner(actor), key)
		}
		return tx.CompleteIdempotencyKey(ctx, &ally.IdempotencyRecord{KeyID: idempotencyOwner(actor), Key: key, Status: status, Body: body})
	})
}

func idempotencyOwner(actor ally.Actor) string { return string(actor.Kind) + ":" + actor.ID }
