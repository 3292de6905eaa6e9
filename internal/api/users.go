package api

import (
	"context"
	"net/http"

	"github.com/allyprm/ally/internal/ally"
)

// Staff users, read only. The password hash never leaves the application.

type userJSON struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	Role      string `json:"role" enum:"owner,admin,manager,viewer"`
	Disabled  bool   `json:"disabled"`
	CreatedAt Time   `json:"createdAt"`
	UpdatedAt Time   `json:"updatedAt"`
}

func renderUser(u *ally.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Disabled: u.Disabled,
		CreatedAt: Time(u.CreatedAt), UpdatedAt: Time(u.UpdatedAt)}
}

func (s *server) listUsers(ctx context.Context, _ *struct{}) (*many[userJSON], error) {
	us, err := s.app.Users(ctx, actorFrom(ctx))
	if err != nil {
		return nil, fail(ctx, err)
	}
	return page(mapItems(us, renderUser), ""), nil
}

func (s *server) getUser(ctx context.Context, in *struct {
	ID string `path:"id" minLength:"1" maxLength:"100"`
}) (*one[userJSON], error) {
	u, err := s.app.User(ctx, actorFrom(ctx), in.ID)
	if err != nil {
		return nil, fail(ctx, err)
	}
	return reply(http.StatusOK, u.Version, renderUser(u)), nil
}
