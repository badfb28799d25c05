package models

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Role is what a user may do within one tenant.
type Role string

const (
	// RoleManager may do everything in the tenant's panel, users and settings included.
	RoleManager Role = "manager"
	// RoleEditor may edit content.
	RoleEditor Role = "editor"
)

// ValidRole reports whether r is a role of the schema.
func ValidRole(r Role) bool { return r == RoleManager || r == RoleEditor }

// User is an account of the platform. Users are not tenant data: one person
// may belong to several tenants through memberships.
type User struct {
	ID           int64 `gorm:"primaryKey"`
	Email        string
	Name         string
	PasswordHash string
	IsOperator   bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Membership makes a user a member of one tenant with a role.
type Membership struct {
	TenantID  int64 `gorm:"primaryKey"`
	UserID    int64 `gorm:"primaryKey"`
	Role      Role
	CreatedAt time.Time
}

// NewUser is the input of CreateUser: an account and its first membership.
type NewUser struct {
	Email        string
	Name         string
	PasswordHash string // already hashed by package auth
	TenantID     int64
	Role         Role
}

// NormalizeEmail lower-cases and trims an email address; addresses are
// compared in this form.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ValidateEmail checks the shape of an email address.
func ValidateEmail(email string) error {
	switch {
	case email == "":
		return invalid("email", "enter an email address")
	case len(email) > 254:
		return invalid("email", "use an email address of 254 characters or fewer")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
		return invalid("email", "enter an email address in the correct format, like name@example.nhs.uk")
	}
	return nil
}

// CreateUser creates an account and its membership of one tenant in a
// transaction. An email that already has an account is ErrConflict.
func (d *DB) CreateUser(ctx context.Context, in NewUser) (User, error) {
	in.Email = NormalizeEmail(in.Email)
	if err := ValidateEmail(in.Email); err != nil {
		return User{}, err
	}
	if !ValidRole(in.Role) {
		return User{}, invalid("role", "choose manager or editor")
	}
	if in.PasswordHash == "" {
		return User{}, invalid("password", "enter a password")
	}
	u := User{Email: in.Email, Name: strings.TrimSpace(in.Name), PasswordHash: in.PasswordHash}
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		return tx.Create(&Membership{TenantID: in.TenantID, UserID: u.ID, Role: in.Role}).Error
	})
	if err != nil {
		return User{}, translate("create user "+in.Email, err)
	}
	return u, nil
}

// UserByEmail finds an account by email address, across tenants: sign-in
// looks the account up before it knows whether the user belongs to the host.
func (d *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := d.gorm.WithContext(ctx).Where("email = ?", NormalizeEmail(email)).Take(&u).Error
	return u, translate("user "+email, err)
}

// UserByID loads an account.
func (d *DB) UserByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := d.gorm.WithContext(ctx).Where("id = ?", id).Take(&u).Error
	return u, translate(fmt.Sprintf("user %d", id), err)
}

// SetPasswordHash replaces a user's password hash (a rehash with stronger
// parameters, a reset).
func (d *DB) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	err := d.gorm.WithContext(ctx).Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": hash, "updated_at": time.Now().UTC()}).Error
	return translate("set password", err)
}

// Membership returns the user's membership of this tenant; ErrNotFound when
// the user is not a member.
func (t *TenantDB) Membership(userID int64) (Membership, error) {
	var m Membership
	err := t.scoped.Where("user_id = ?", userID).Take(&m).Error
	return m, translate(fmt.Sprintf("membership of user %d", userID), err)
}

// PlatformSecret returns the named random secret shared by every replica,
// creating it (size bytes from gen) the first time it is asked for.
func (d *DB) PlatformSecret(ctx context.Context, name string, gen func() []byte) ([]byte, error) {
	type platformSecret struct {
		Name      string `gorm:"primaryKey"`
		Value     []byte
		CreatedAt time.Time
	}
	db := d.gorm.WithContext(ctx)
	s := platformSecret{Name: name, Value: gen()}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&s).Error; err != nil {
		return nil, translate("create secret "+name, err)
	}
	var got platformSecret
	if err := db.Where("name = ?", name).Take(&got).Error; err != nil {
		return nil, translate("secret "+name, err)
	}
	return got.Value, nil
}
