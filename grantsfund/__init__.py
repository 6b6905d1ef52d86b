"""The Communities Fund service: create_app() builds the Flask application."""

from __future__ import annotations

from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, DEV_SECRET_KEY, config_for
from grantsfund import errors, security, templating
from grantsfund.common.sqlite import make_sqlite_transactional
from grantsfund.common.web import IdConverter
from grantsfund.extensions import csrf, db, limiter, login_manager, mail, migrate


def create_app(overrides: dict[str, Any] | None = None, *, env_name: str | None = None) -> Flask:
    app = Flask(
        __name__,
        static_folder=str(BASE_DIR / "static"),
        static_url_path="/assets",  # govuk-frontend's CSS asks for /assets/...
        template_folder=str(BASE_DIR / "templates"),
        instance_path=str(BASE_DIR / "instance"),
    )
    app.config.from_object(config_for(env_name))
    app.config.update(overrides or {})
    _refuse_unsafe_production(app)

    if app.config["TRUSTED_PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXY_COUNT"], x_proto=1)  # type: ignore[method-assign]

    _init_extensions(app)
    _init_templates(app)
    app.url_map.converters["int"] = IdConverter  # before the blueprints' rules are added
    _register_blueprints(app)
    _register_cli(app)
    security.init_app(app)
    errors.init_app(app)
    return app


def _refuse_unsafe_production(app: Flask) -> None:
    if app.config["ENV_NAME"] == "production" and app.config["SECRET_KEY"] in {DEV_SECRET_KEY, "", None}:
        raise RuntimeError("Set SECRET_KEY to a long random value: production refuses the development default.")


def _init_extensions(app: Flask) -> None:
    import grantsfund.models  # noqa: F401  (registers every table with the metadata)

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            make_sqlite_transactional(db.engine)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)

    from grantsfund.accounts.services import load_session_user

    login_manager.init_app(app)
    login_manager.user_loader(load_session_user)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the per-user session token does this job on the server


def _init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,  # type: ignore[list-item]
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    templating.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from grantsfund.accounts.views import admin_bp
    from grantsfund.accounts.views import bp as accounts_bp
    from grantsfund.agreements.views import bp as agreements_bp
    from grantsfund.applications.officer_views import bp as officer_applications_bp
    from grantsfund.applications.views import bp as applications_bp
    from grantsfund.assessment.views import bp as assessment_bp
    from grantsfund.audit.views import bp as audit_bp
    from grantsfund.monitoring.plan_views import bp as sustainability_bp
    from grantsfund.monitoring.views import bp as monitoring_bp
    from grantsfund.notifications.views import bp as notifications_bp
    from grantsfund.organisations.views import bp as organisations_bp
    from grantsfund.pages.views import bp as pages_bp
    from grantsfund.panel.views import bp as panel_bp
    from grantsfund.payments.views import bp as payments_bp
    from grantsfund.reporting.finance_views import bp as report_finance_bp
    from grantsfund.reporting.opendata.views import bp as report_opendata_bp
    from grantsfund.reporting.summary_views import bp as report_rounds_bp
    from grantsfund.reporting.views import bp as reporting_bp
    from grantsfund.rounds.views import bp as rounds_bp
    from grantsfund.signposting.views import bp as signposting_bp

    for blueprint in (
        pages_bp,
        accounts_bp,
        admin_bp,
        audit_bp,
        notifications_bp,
        organisations_bp,
        rounds_bp,
        applications_bp,
        officer_applications_bp,
        assessment_bp,
        panel_bp,
        signposting_bp,
        agreements_bp,
        payments_bp,
        monitoring_bp,
        sustainability_bp,
        reporting_bp,
        report_finance_bp,
        report_opendata_bp,
        report_rounds_bp,
    ):
        app.register_blueprint(blueprint)


def _register_cli(app: Flask) -> None:
    from grantsfund.accounts.cli import accounts_cli
    from grantsfund.assessment.cli import assessment_cli
    from grantsfund.dataprotection.cli import data_cli
    from grantsfund.demo.cli import demo_cli
    from grantsfund.monitoring.cli import monitoring_cli
    from grantsfund.notifications.cli import outbox_cli
    from grantsfund.ops.cli import check_command
    from grantsfund.organisations.cli import organisations_cli
    from grantsfund.payments.cli import payments_cli
    from grantsfund.reporting.opendata.cli import publish_cli
    from grantsfund.signposting.cli import funders_cli, signposting_cli

    app.cli.add_command(accounts_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(organisations_cli)
    app.cli.add_command(assessment_cli)
    app.cli.add_command(funders_cli)
    app.cli.add_command(signposting_cli)
    app.cli.add_command(payments_cli)
    app.cli.add_command(monitoring_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(publish_cli)
    app.cli.add_command(check_command)
    app.cli.add_command(data_cli)
