package app

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// CheckLink reports whether an e-mailed link (a password reset or an
// e-mail change) is still good for kind — issued, unused, unexpired —
// without using it, so its page can say at once that it is dead instead of
// after the form is filled in. A dead link is the same 404 as on use.
func (a *App) CheckLink(ctx context.Context, purpose ally.TokenPurpose, kind ally.ActorKind, token string) error {
	t, err := a.store.FindTokenByHash(ctx, hashToken(token))
	if ally.IsNotFound(err) {
		return errLink()
	}
	if err != nil {
		return err
	}
	if t.Purpose != purpose || t.SubjectKind != kind || !t.UsedAt.IsZero() || !a.clock().Before(t.ExpiresAt) {
		return errLink()
	}
	return nil
}
