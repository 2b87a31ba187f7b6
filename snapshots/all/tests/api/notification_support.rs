//! What the notification channel tests share: a Vietnamese message, a
//! stand-in SMTP server and a stand-in for a provider's HTTP API, each on a
//! local port, keeping what they received.

use std::{
    collections::HashMap,
    io,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{
    body::Bytes,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    Json, Router,
};
use reqwest::Url;
use serde_json::Value;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{tcp::OwnedReadHalf, TcpListener, TcpStream},
};

use shop::notifications::channels::{Message, Outgoing};

pub const TITLE: &str = "Đơn hàng #12 đã được thanh toán";
pub const BODY: &str = "Cảm ơn quý khách đã mua hàng tại Cửa hàng Hoà Bình. Tổng cộng: 75.000 ₫.";
pub const LINK: &str = "https://shop.example.vn/orders/12";
pub const MAIL_FROM: &str = "Cửa hàng <pos@shop.example.vn>";

/// The message every test sends, with `link`.
pub fn message(link: Option<&str>) -> Message {
    Message {
        title: TITLE.to_owned(),
        body: BODY.to_owned(),
        link: link.map(str::to_owned),
    }
}

/// Delivery 42 of `message` to `address`.
pub fn outgoing<'a>(address: &'a str, message: &'a Message) -> Outgoing<'a> {
    Outgoing {
        delivery_id: 42,
        address,
        message,
    }
}

/// A local address where nothing listens.
pub async fn unreachable_address() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

/// What the stand-in SMTP server accepted in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Accepted {
    /// The `MAIL FROM:<…>` command as sent.
    pub mail_from: String,
    /// The `RCPT TO:<…>` commands as sent.
    pub rcpt_to: Vec<String>,
    /// The message, dot-stuffing undone.
    pub data: Vec<u8>,
}

/// A stand-in SMTP server: plain text, no AUTH, no extensions, one reply
/// per command. It answers RCPT with the reply it was started with.
pub struct SmtpSink {
    /// `smtp://127.0.0.1:port`, ready for `SMTP_URL`.
    pub url: String,
    accepted: Arc<Mutex<Vec<Accepted>>>,
}

impl SmtpSink {
    /// Starts a server answering `rcpt_reply` (e.g. `250 2.1.5 ok`) to RCPT.
    pub async fn start(rcpt_reply: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&accepted);
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                tokio::spawn(smtp_session(stream, rcpt_reply, Arc::clone(&log)));
            }
        });
        Self { url, accepted }
    }

    pub fn accepted(&self) -> Vec<Accepted> {
        self.accepted.lock().unwrap().clone()
    }
}

async fn smtp_session(
    stream: TcpStream,
    rcpt_reply: &'static str,
    accepted: Arc<Mutex<Vec<Accepted>>>,
) -> io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut transaction = Accepted::default();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command.split(' ').next().unwrap_or_default();
        let reply = match verb.to_ascii_uppercase().as_str() {
            "EHLO" | "HELO" => "250 sink.test",
            "MAIL" => {
                transaction = Accepted {
                    mail_from: command,
                    ..Accepted::default()
                };
                "250 2.1.0 ok"
            }
            "RCPT" => {
                transaction.rcpt_to.push(command);
                rcpt_reply
            }
            "DATA" => {
                writer.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                transaction.data = read_data(&mut reader).await?;
                accepted.lock().unwrap().push(transaction.clone());
                "250 2.0.0 queued"
            }
            "RSET" | "NOOP" => "250 2.0.0 ok",
            "QUIT" => {
                writer.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 not implemented",
        };
        writer.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
}

/// Reads a message up to the line with a single dot.
async fn read_data(reader: &mut BufReader<OwnedReadHalf>) -> io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 || line == b".\r\n" {
            return Ok(data);
        }
        // A line starting with a dot was sent with a second one.
        data.extend_from_slice(line.strip_prefix(b".").unwrap_or(&line));
    }
}

/// A request a stand-in provider received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Received {
    /// The header's value, or "" when it is missing.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }

    /// The fields of a form-encoded body, decoded as a query string is.
    pub fn form(&self) -> HashMap<String, String> {
        let url = Url::parse(&format!("http://form.test/?{}", self.body)).unwrap();
        url.query_pairs().into_owned().collect()
    }
}

/// A stand-in for a provider's HTTP API: it answers each request with what
/// its answer function gives, and keeps what it received.
pub struct MockProvider {
    pub base_url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl MockProvider {
    /// Answers every request with `status` and `answer` (no body for null).
    pub async fn start(status: StatusCode, answer: Value) -> Self {
        Self::answering(move |_| (status, answer.clone())).await
    }

    /// Answers each request with what `answer` gives for it.
    pub async fn answering(
        answer: impl Fn(&Received) -> (StatusCode, Value) + Clone + Send + Sync + 'static,
    ) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        let router = Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let log = Arc::clone(&log);
                let answer = answer.clone();
                async move {
                    let request = Received {
                        method,
                        path: uri.path().to_owned(),
                        headers,
                        body: String::from_utf8_lossy(&body).into_owned(),
                    };
                    let (status, body) = answer(&request);
                    log.lock().unwrap().push(request);
                    respond(status, body)
                }
            },
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { base_url, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The one request received, failing when there were more or none.
    pub fn only_request(&self) -> Received {
        let mut received = self.received();
        assert_eq!(received.len(), 1, "{received:#?}");
        received.remove(0)
    }
}

fn respond(status: StatusCode, body: Value) -> Response {
    if body.is_null() {
        status.into_response()
    } else {
        (status, Json(body)).into_response()
    }
}
