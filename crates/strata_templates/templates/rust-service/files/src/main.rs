//! Entry point of `{{ name }}`: serves [`{{ snake_name }}::router`] on `PORT` (default {{ port }}).

use std::net::{Ipv4Addr, SocketAddr};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = SocketAddr::from((Ipv4Addr::UNSPECIFIED, {{ snake_name }}::port_from_env()));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("{} listening on {}", {{ snake_name }}::SERVICE, listener.local_addr()?);
    axum::serve(listener, {{ snake_name }}::router())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
