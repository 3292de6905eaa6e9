package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
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
	notify, err := json.Marshal(u.Notifications)
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	_, err = t.q.ExecContext(ctx, `INSERT INTO users
		(id, email, name, role, password_hash, disabled, totp_secret, totp_enabled,
		notifications, last_sign_in_at, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		u.ID, u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, u.TOTPSecret,
		u.TOTPEnabled, string(notify), millis(u.LastSignInAt),
		millis(u.CreatedAt), millis(u.UpdatedAt), u.Version)
	if err != nil {
		return wrapUnlessDomain("create user", constraintError(err, userUniques))
	}
	return nil
}

// UpdateUser writes u if the stored version is u.Version and increments it.
// The e-mail is written lowercase; taken by another user, it is a conflict.
func (t *tx) UpdateUser(ctx context.Context, u *ally.User) error {
	notify, err := json.Marshal(u.Notifications)
	if err != nil {
		return fmt.Errorf("store: update user: %w", err)
	}
	u.Email = strings.ToLower(u.Email)
	res, err := t.q.ExecContext(ctx, `UPDATE users SET name = $3, role = $4,
		disabled = $5, password_hash = $6, totp_secret = $7, totp_enabled = $8,
		notifications = $9, last_sign_in_at = $10, updated_at = $11, email = $12, version = version + 1
		WHERE id = $1 AND version = $2`,
		u.ID, u.Version, u.Name, string(u.Role), u.Disabled, u.PasswordHash, u.TOTPSecret,
		u.TOTPEnabled, string(notify), millis(u.LastSignInAt), millis(u.UpdatedAt), u.Email)
	if err == nil {
		err = t.checkVersioned(ctx, res, "users", u.ID)
	}
	if err != nil {
		return wrapUnlessDomain("update user", constraintError(err, userUniques))
	}
	u.Version++
	return nil
}

const userSelect = `SELECT id, email, name, role, password_hash, disabled, totp_secret,
	totp_enabled, notifications, last_sign_in_at, created_at, updated_at, version FROM users`

func scanUser(s scanner) (*ally.User, error) {
	var u ally.User
	var role, notify string
	var signIn, created, updated sql.NullInt64
	if err := s.Scan(&u.ID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.Disabled,
		&u.TOTPSecret, &u.TOTPEnabled, &notify, &signIn, &created, &updated, &u.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(notify), &u.Notifications); err != nil {
		return nil, fmt.Errorf("decode user %s notifications: %w", u.ID, err)
	}
	u.Role = ally.Role(role)
	u.LastSignInAt, u.CreatedAt, u.UpdatedAt = fromMillis(signIn), fromMillis(created), fromMillis(updated)
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
