//! The benchmark's ceiling: a minimal axum server answering `GET /v5/pins/{id}` with a fixed Pin
//! from memory, no auth, no store. What this machine can do at most; pinbox is measured against it.

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;

const PIN: &str = r##"{"id":"1234567890123456789","created_at":"2026-11-01T00:00:00Z","link":"https://example.com/","title":"Seeded Pin","description":"A Pin","dominant_color":"#6E7874","alt_text":null,"creative_type":"REGULAR","board_id":"1234567890123456780","board_section_id":null,"board_owner":{"username":"bench"},"is_owner":true,"media":{"media_type":"image","images":{"150x150":{"width":150,"height":150,"url":"http://127.0.0.1/media/150x150/ab/cd/ef/abcdef.jpg"},"400x300":{"width":400,"height":300,"url":"http://127.0.0.1/media/400x300/ab/cd/ef/abcdef.jpg"},"600x":{"width":64,"height":48,"url":"http://127.0.0.1/media/600x/ab/cd/ef/abcdef.jpg"},"1200x":{"width":64,"height":48,"url":"http://127.0.0.1/media/1200x/ab/cd/ef/abcdef.jpg"}}},"parent_pin_id":null,"is_standard":true,"has_been_promoted":false,"is_removable":false,"note":"","product_tags":[],"pin_metrics":null}"##;

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let app = Router::new().route(
        "/v5/pins/{id}",
        get(|| async { ([(CONTENT_TYPE, "application/json")], PIN) }),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    println!(
        "axum-limit listening on http://{}",
        listener.local_addr().unwrap()
    );
    axum::serve(listener, app).await.expect("serve");
}
