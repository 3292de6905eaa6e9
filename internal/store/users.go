package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// CreateUser inserts u with its e-mail lowercased (u.Email is updated to
// match), version 1 when u.Version is zero. A taken e-mail is an
// ECodeConflict *ally.Error.
func (t *tx) CreateUser(ctx context.Context, u *ally.User) error {
	u.Email = strings.ToLower(u.Email)
	if u.Version == 0 {
		u.Version = 1
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO users
		(id, email, name, role, password_hash, disabled, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		u.ID, u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled,
		millis(u.CreatedAt), millis(u.UpdatedAt), u.Version)
	if err != nil {
		return wrapUnlessDomain("create user", constraintError(err, userUniques))
	}
	return nil
}

const userSelect = `SELECT id, email, name, role, password_hash, disabled, created_at, updated_at, version FROM users`

func scanUser(s scanner) (*ally.User, error) {
	var u ally.User
	var role string
	var created, updated sql.NullInt64
	if err := s.Scan(&u.ID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.Disabled,
		&created, &updated, &u.Version); err != nil {
		return nil, err
	}
	u.Role = ally.Role(role)
	u.CreatedAt, u.UpdatedAt = fromMillis(created), fromMillis(updated)
	return &u, nil
}

// FindUserByID returns the staff user with id, or ally.ErrNotFound.
func (q queries) FindUserByID(ctx context.Context, id string) (*ally.User, error) {
	return findOne(q.queryRow(ctx, userSelect+` WHERE id = $1`, id), scanUser, "find user")
}

// FindUserByEmail returns the staff user with the address, compared
// case-insensitively (addresses are stored lowercase), or ally.ErrNotFound.
func (q queries) FindUserByEmail(ctx context.Context, email string) (*ally.User, error) {
	return findOne(q.queryRow(ctx, userSelect+` WHERE email = $1`, ally.NormalizeEmail(email)),
		scanUser, "find user by email")
}

// FindUsers returns every staff user by e-mail.
func (q queries) FindUsers(ctx context.Context) ([]*ally.User, error) {
	return findAll(ctx, q, userSelect+` ORDER BY email`, nil, scanUser, "find users")
}
