package app

import (
	"context"
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// MaxLogoBytes is the largest logo a partner may upload.
const MaxLogoBytes = 1 << 20

// logoTypes are the image types accepted, by sniffed content type. SVG is
// not among them: it can carry script.
var logoTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/webp": true}

// SetMyLogo stores an uploaded logo for the partner user's organization,
// when its template lets the partner edit the logo. The type is sniffed from
// the bytes; what the browser claimed is ignored.
func (a *App) SetMyLogo(ctx context.Context, actor ally.Actor, data []byte) (*ally.Partner, error) {
	var v ally.Validator
	ctype := http.DetectContentType(data)
	v.Check(len(data) > 0 && len(data) <= MaxLogoBytes, "logo", "must be an image of at most 1 MB")
	v.Check(logoTypes[ctype], "logo", "must be a PNG, JPEG or WebP image")
	if err := v.Err(); err != nil {
		return nil, err
	}
	var saved *ally.Partner
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		p, err := a.portalPartner(ctx, tx, actor)
		if err != nil {
			return err
		}
		view, err := a.profileView(ctx, tx, p)
		if err != nil {
			return err
		}
		editable := false
		for _, f := range view.Fields {
			editable = editable || (f.Key == ally.CoreLogo && f.Editable)
		}
		if !editable {
			return &ally.Error{Code: ally.ECodeInvalid, Message: "some fields are not valid", Fields: []ally.FieldError{{Field: "logo", Message: "is read-only"}}}
		}
		f := &ally.File{ID: ally.NewID(ally.PrefixFile), ContentType: ctype, Data: data, CreatedAt: a.clock()}
		if err := tx.CreateFile(ctx, f); err != nil {
			return err
		}
		after := clonePartner(p)
		after.LogoURL = "/files/" + f.ID
		after.LastActivityAt = a.clock()
		diff := partnerChanges(p, after)
		if saved, err = a.savePartner(ctx, tx, actor, "partner.profile_updated", after, diff); err != nil {
			return err
		}
		return a.afterProfileEdit(ctx, tx, actor, saved, diff)
	})
	return saved, err
}

// File returns an uploaded file. Ids are unguessable (80 random bits), and
// logos are shown to staff and the partner alike, so no actor is needed.
func (a *App) File(ctx context.Context, id string) (*ally.File, error) {
	if !ally.HasPrefix(id, ally.PrefixFile) {
		return nil, ally.Errorf(ally.ECodeNotFound, "no file %q", id)
	}
	f, err := a.store.FindFile(ctx, id)
	return f, notFound(err, "file", id)
}
