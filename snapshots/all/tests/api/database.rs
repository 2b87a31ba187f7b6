use clap::Parser;
use sqlx::Executor;

use shop::{cli::Cli, db, settings};

use crate::helpers::{postgres_server_url, spawn_app};

/// Guards against a CI job that means to test PostgreSQL quietly testing SQLite.
#[tokio::test]
async fn runs_on_the_backend_test_database_url_names() {
    let app = spawn_app().await;
    let conn = app.state.db.acquire().await.unwrap();
    let expected = if postgres_server_url().is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    assert_eq!(conn.backend_name(), expected);
}

#[tokio::test]
async fn migrating_again_changes_nothing() {
    let app = spawn_app().await;
    settings::set(&app.state.db, "currency", "EUR")
        .await
        .unwrap();

    db::migrate(&app.state.db).await.unwrap();

    let kept = settings::get(&app.state.db, "currency").await.unwrap();
    assert_eq!(kept.map(|setting| setting.value).as_deref(), Some("EUR"));
}

#[tokio::test]
async fn migrate_command_can_run_twice() {
    let app = spawn_app().await;
    for _ in 0..2 {
        let cli = Cli::try_parse_from([
            env!("CARGO_PKG_NAME"),
            "migrate",
            "--database-url",
            &app.database_url,
        ]);
        cli.unwrap().run().await.unwrap();
    }
}

#[tokio::test]
async fn foreign_keys_are_enforced() {
    let app = spawn_app().await;
    let db = &app.state.db;
    db.execute("CREATE TABLE parent (id BIGINT PRIMARY KEY)")
        .await
        .unwrap();
    db.execute("CREATE TABLE child (parent_id BIGINT NOT NULL REFERENCES parent (id))")
        .await
        .unwrap();

    let orphan = db.execute("INSERT INTO child (parent_id) VALUES (1)").await;
    assert!(orphan.is_err(), "a child without a parent was accepted");
}
