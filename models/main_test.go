package models_test

import (
	"os"
	"testing"

	"github.com/pcnweb/pcnweb/models"
	"github.com/pcnweb/pcnweb/models/modelstest"
)

func TestMain(m *testing.M) { os.Exit(modelstest.Main(m)) }

// testActor makes the tests' changes: every content write says who makes it.
var testActor = models.Actor{Name: "test@example.nhs.uk"}
