use shop::settings;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_missing_setting_is_none() {
    let app = spawn_app().await;
    assert_eq!(
        settings::get(&app.state.db, "currency").await.unwrap(),
        None
    );
}

#[tokio::test]
async fn set_then_get_round_trips() {
    let app = spawn_app().await;
    let stored = settings::set(&app.state.db, "currency", "EUR")
        .await
        .unwrap();
    assert_eq!(stored.value, "EUR");
    assert!(stored.updated_at.ends_with('Z'), "{}", stored.updated_at);

    let read = settings::get(&app.state.db, "currency").await.unwrap();
    assert_eq!(read, Some(stored));
}

#[tokio::test]
async fn set_replaces_the_old_value() {
    let app = spawn_app().await;
    let first = settings::set(&app.state.db, "currency", "EUR")
        .await
        .unwrap();
    let second = settings::set(&app.state.db, "currency", "USD")
        .await
        .unwrap();
    assert_eq!(second.value, "USD");
    assert!(second.updated_at >= first.updated_at);

    let read = settings::get(&app.state.db, "currency")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.value, "USD");
}
