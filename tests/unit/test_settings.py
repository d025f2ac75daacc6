"""Stage settings: defaults per stage, environment overrides, refusals."""

import pytest
from devdevdev.settings import LOCAL_JWT_SECRET, Settings
from devdevdev.stages import STAGES


def test_local_stage_defaults():
    settings = Settings.from_env({"STAGE": "local"})
    assert settings.cors_allowed_origins == ("http://127.0.0.1:3000", "http://localhost:3000")
    assert (settings.cookie_domain, settings.cookie_secure, settings.cookie_same_site) == (None, False, "Lax")
    assert settings.test_tokens_enabled is True
    assert settings.rate_limit_per_minute == 120
    assert (settings.access_token_ttl_seconds, settings.refresh_token_ttl_seconds) == (1800, 604800)


def test_production_needs_a_secret_and_has_no_test_tokens():
    with pytest.raises(ValueError, match="JWT_SECRET"):
        Settings.from_env({"STAGE": "prod"})
    settings = Settings.from_env({"STAGE": "prod", "JWT_SECRET": "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5"})
    assert settings.test_tokens_enabled is False
    assert (settings.cookie_domain, settings.cookie_secure, settings.cookie_same_site) == (
        "devdevdev.co.kr",
        True,
        "None",
    )


def test_environment_overrides_the_stage():
    settings = Settings.from_env(
        {
            "STAGE": "local",
            "RATE_LIMIT_PER_MINUTE": "7",
            "CORS_ALLOWED_ORIGINS": "https://a.example, https://b.example",
            "ACCESS_TOKEN_TTL_SECONDS": "60",
        }
    )
    assert settings.rate_limit_per_minute == 7
    assert settings.cors_allowed_origins == ("https://a.example", "https://b.example")
    assert settings.access_token_ttl_seconds == 60


def test_a_short_or_non_base64_secret_is_refused():
    with pytest.raises(ValueError):
        Settings.from_env({"STAGE": "local", "JWT_SECRET": "c2hvcnQ="})
    with pytest.raises(ValueError):
        Settings.from_env({"STAGE": "local", "JWT_SECRET": "not base64!"})


def test_unknown_stage():
    with pytest.raises(ValueError, match="unknown stage"):
        Settings.from_env({"STAGE": "staging"})


def test_every_stage_builds():
    for name in STAGES:
        env = {"STAGE": name, "JWT_SECRET": "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5"}
        assert Settings.from_env(env).stage == name


PROD_SECRET = "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5"


def test_prod_refuses_test_tokens_and_names_the_variable():
    with pytest.raises(ValueError, match="TEST_TOKENS_ENABLED must be false in the prod stage") as refused:
        Settings.from_env({"STAGE": "prod", "JWT_SECRET": PROD_SECRET, "TEST_TOKENS_ENABLED": "true"})
    assert PROD_SECRET not in str(refused.value) and PROD_SECRET[-12:] not in str(refused.value)
    assert Settings.from_env({"STAGE": "prod", "JWT_SECRET": PROD_SECRET, "TEST_TOKENS_ENABLED": "false"})
    # dev keeps its test tokens on purpose
    assert Settings.from_env({"STAGE": "dev", "JWT_SECRET": PROD_SECRET}).test_tokens_enabled is True


@pytest.mark.parametrize("stage", ["prod", "dev"])
def test_a_deployed_stage_refuses_the_development_key(stage):
    with pytest.raises(ValueError, match="JWT_SECRET .* is the development key"):
        Settings.from_env({"STAGE": stage, "JWT_SECRET": LOCAL_JWT_SECRET})


def test_local_stages_use_the_development_key():
    for stage in ("local", "test"):
        assert Settings.from_env({"STAGE": stage}).jwt_secret == LOCAL_JWT_SECRET


def test_refresh_token_reuse_interval():
    assert Settings.from_env({"STAGE": "local"}).refresh_token_reuse_interval_seconds == 30
    env = {"STAGE": "local", "REFRESH_TOKEN_REUSE_INTERVAL_SECONDS": "0"}
    assert Settings.from_env(env).refresh_token_reuse_interval_seconds == 0
    with pytest.raises(ValueError, match="refresh_token_reuse_interval_seconds"):
        Settings.from_env({"STAGE": "local", "REFRESH_TOKEN_REUSE_INTERVAL_SECONDS": "61"})
