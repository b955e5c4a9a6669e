//! Demo tips for Ninh Bình: a few citizens' tips to Phường Nam Định in
//! every state (new, one overdue, being verified, resolved with its
//! outcome, closed as not actionable), one recorded from a VNeID report
//! and one from a telephone call, and one to Phường Ba Đình (Hà Nội), so
//! that the ward's officer sees a list, the province's key-holder reads
//! them all and another commune's officer sees none of them.
//!
//! Sealed as real tips are: the officers who receive tips get the keys
//! their first sign-in would make (locked under the demo password), the
//! province's staff account is made a key-holder, and each tip is sealed
//! to its recipients. One tip carries the receipt [`DEMO_RECEIPT`] (a
//! demo's, printed in the README and docs/demo.md) so that a tester can
//! follow it from the public page. The reports are invented.
//!
//! Once: skipped when the register holds any tip.

use chrono::{Days, NaiveDate};
use domain::org_units::OrgUnit;
use domain::tips::receipt::Receipt;
use domain::tips::seal::{OfficerKey, Part, TipKeys};
use domain::tips::{Action, Category, Channel, Report, State};
use store::accounts::Scope;
use store::audit::Author;
use store::Db;

/// The demo tip's receipt code (a real tip's is random and shown once).
pub const DEMO_RECEIPT: &str = "DEMO-NB25-TIPS-0001";

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A demo tip: where, what, how it came, and the steps taken on it.
struct Demo {
    ago: u64,
    category: Category,
    channel: Channel,
    report: &'static str,
    when: Option<&'static str>,
    /// (action, days after receipt, the sealed note), in order.
    steps: &'static [(Action, u64, &'static str)],
    /// Resolved: valuable, cases solved, arrests.
    outcome: Option<(bool, i64, i64)>,
    /// A reply to the sender (tips sent online only).
    reply: Option<&'static str>,
}

const WARD_TIPS: &[Demo] = &[
    Demo {
        ago: 1,
        category: Category::Drugs,
        channel: Channel::Web,
        report: "Mấy tối nay có nhóm thanh niên lạ tụ tập ở bãi đất trống sau chợ Rồng, có người đi xe máy đến đưa gói nhỏ rồi đi ngay.",
        when: Some("Khoảng 22 giờ các tối gần đây"),
        steps: &[],
        outcome: None,
        reply: Some("Công an phường đã tiếp nhận. Bạn có nhớ biển số hoặc màu xe máy không?"),
    },
    Demo {
        ago: 6,
        category: Category::Fraud,
        channel: Channel::Web,
        report: "Có người gọi điện xưng là công an phường yêu cầu chuyển tiền để 'xác minh tài khoản', nhiều cụ già trong tổ dân phố đã nhận cuộc gọi.",
        when: None,
        steps: &[],
        outcome: None,
        reply: None,
    },
    Demo {
        ago: 10,
        category: Category::Theft,
        channel: Channel::Phone,
        report: "Người dân gọi đường dây nóng báo mất trộm hai xe đạp điện trong khu tập thể, nghi một người thu mua phế liệu hay đi qua.",
        when: Some("Đêm thứ Bảy"),
        steps: &[(Action::Verify, 1, "Đã cử tổ tuần tra kiểm tra khu tập thể")],
        outcome: None,
        reply: None,
    },
    Demo {
        ago: 40,
        category: Category::Gambling,
        channel: Channel::Web,
        report: "Một nhà trong ngõ thường xuyên tụ tập đánh bạc ăn tiền vào cuối tuần, rất ồn ào, có cả người ngoài phường đến.",
        when: Some("Chiều thứ Bảy, Chủ nhật"),
        steps: &[
            (Action::Verify, 2, "Xác minh qua tổ bảo vệ ANTT cơ sở"),
            (Action::Resolve, 15, "Bắt quả tang, lập hồ sơ xử lý"),
        ],
        outcome: Some((true, 1, 6)),
        reply: Some("Cảm ơn bạn. Công an phường đã xử lý vụ việc."),
    },
    Demo {
        ago: 25,
        category: Category::Suspicious,
        channel: Channel::Web,
        report: "Có xe tải lạ đỗ nhiều đêm ở đầu đường, không thấy người trông, sợ là xe chở hàng cấm.",
        when: None,
        steps: &[(
            Action::Close,
            3,
            "Xe của công trình sửa đường, đã có giấy phép: không có dấu hiệu vi phạm",
        )],
        outcome: None,
        reply: None,
    },
    Demo {
        ago: 60,
        category: Category::Violence,
        channel: Channel::Vneid,
        report: "Tin báo qua ứng dụng VNeID: xô xát giữa hai nhóm thanh niên trước quán karaoke, một người bị thương nhẹ.",
        when: Some("23 giờ"),
        steps: &[
            (Action::Verify, 1, "Triệu tập các bên liên quan"),
            (Action::Resolve, 12, "Xử phạt hành chính hai đối tượng"),
        ],
        outcome: Some((true, 0, 2)),
        reply: None,
    },
];

/// The officers who receive tips, with the keys their first sign-in would
/// make; the province's staff account becomes a key-holder.
async fn keys(db: &Db, today: NaiveDate) -> Result<(), String> {
    for name in ["xa.namdinh", "xa.badinh", "tinh.ninhbinh"] {
        let Some((user, _)) = store::accounts::find_by_username(db, name)
            .await
            .map_err(err)?
        else {
            continue;
        };
        if store::tips::key(db, user.id).await.map_err(err)?.is_some() {
            continue;
        }
        let key = OfficerKey::generate();
        let locked = key.lock(crate::demo::PASSWORD).map_err(err)?;
        store::tips::put_key(db, user.id, key.public().as_str(), &locked, today)
            .await
            .map_err(err)?;
        if name == "tinh.ninhbinh" {
            store::tips::set_holder(db, Author::System, user.id, true)
                .await
                .map_err(err)?;
        }
    }
    Ok(())
}

/// Files one demo tip to `unit` and takes its steps.
async fn file(
    db: &Db,
    unit: &OrgUnit,
    d: &Demo,
    today: NaiveDate,
    receipt: Option<&Receipt>,
) -> Result<(), String> {
    let keys = TipKeys::generate();
    let recipients = store::tips::recipients(db, unit.id).await.map_err(err)?;
    let (sealed, _) = keys.seal_to_each(
        recipients
            .iter()
            .map(|r| (r.user_id, r.public_key.as_str())),
    );
    let report = Report {
        report: d.report.into(),
        place_detail: None,
        when: d.when.map(String::from),
        contact: None,
    };
    let content = keys
        .seal(Part::Report, &serde_json::to_vec(&report).map_err(err)?)
        .map_err(err)?;
    let received = today - Days::new(d.ago);
    let sender_key = match receipt {
        Some(r) => Some(keys.wrap_for_sender(r).map_err(err)?),
        None => None,
    };
    let hash = receipt.map(Receipt::lookup_hash);
    let id = store::tips::file(
        db,
        if d.channel == Channel::Web {
            Author::Sender
        } else {
            Author::System
        },
        &store::tips::NewTip {
            unit_id: unit.id,
            place_id: unit.id,
            category: d.category,
            channel: d.channel,
            received_on: received,
            receipt_hash: hash.as_deref(),
            sender_key: sender_key.as_deref(),
            content: &content,
            sealed: &sealed,
            files: &[],
        },
    )
    .await
    .map_err(err)?;
    if let (Some(text), Some(_)) = (d.reply, receipt) {
        let sealed = keys.seal(Part::Message, text.as_bytes()).map_err(err)?;
        store::tips::add_message(
            db,
            Author::System,
            Scope::All,
            id,
            &store::tips::NewMessage {
                kind: store::tips::Kind::Reply,
                day: (received + Days::new(1)).min(today),
                content: &sealed,
                files: &[],
            },
        )
        .await
        .map_err(err)?;
    }
    if !d.steps.is_empty() {
        // Taken up: an officer has read it.
        store::tips::mark_read(db, id).await.map_err(err)?;
    }
    let mut from = State::New;
    for (action, after, note) in d.steps {
        let next = action
            .next(from)
            .ok_or_else(|| format!("demo tip: {action:?} from {from:?}"))?;
        let event = keys.seal(Part::Note, note.as_bytes()).map_err(err)?;
        store::tips::step(
            db,
            Author::System,
            Scope::All,
            id,
            from,
            &store::tips::Step {
                action: *action,
                next,
                today: (received + Days::new(*after)).min(today),
                event: Some(&event),
                forward_to: None,
                outcome: (next == State::Resolved).then_some(d.outcome).flatten(),
            },
        )
        .await
        .map_err(err)?;
        from = next;
    }
    Ok(())
}

/// Seeds the demo tips (once); returns how many.
pub async fn seed(db: &Db, ward: &OrgUnit, today: NaiveDate) -> Result<usize, String> {
    let (_, total) = store::tips::list(
        db,
        Scope::All,
        0,
        &store::tips::Filter {
            per_page: 1,
            ..Default::default()
        },
    )
    .await
    .map_err(err)?;
    if total > 0 {
        return Ok(0);
    }
    keys(db, today).await?;
    let receipt = Receipt::parse(DEMO_RECEIPT).ok_or("demo receipt")?;
    for (i, d) in WARD_TIPS.iter().enumerate() {
        let r = (d.channel == Channel::Web).then(|| {
            if i == 0 {
                receipt.clone()
            } else {
                Receipt::generate()
            }
        });
        file(db, ward, d, today, r.as_ref()).await?;
    }
    // Phường Ba Đình of Hà Nội, as the demo's account for it is scoped.
    let Some(ba_dinh) =
        store::org_units::resolve_code(db, domain::org_units::Level::Commune, "00004", today)
            .await
            .map_err(err)?
    else {
        return Ok(WARD_TIPS.len());
    };
    let other = Demo {
        ago: 3,
        category: Category::Dispute,
        channel: Channel::Web,
        report:
            "Hai hộ gia đình tranh chấp lối đi chung, đã xô xát, cần công an phường hòa giải sớm.",
        when: None,
        steps: &[],
        outcome: None,
        reply: None,
    };
    file(db, &ba_dinh, &other, today, Some(&Receipt::generate())).await?;
    Ok(WARD_TIPS.len() + 1)
}
