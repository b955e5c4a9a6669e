//! The review as a PDF: the pages are first laid out as a list of what to
//! draw where (text lines, rules, cell borders, chart shapes), then drawn
//! with krilla. Laying out apart from drawing lets the page numbers go on
//! once the pages are known, and lets the tests check every line's place.
//!
//! Lines are broken here (Liberation Serif widths, greedy, as Word and
//! LibreOffice break them) and justified by widening the spaces of every
//! line but a paragraph's last; the spaces stay in the text, so the PDF
//! reads back (and searches) word by word.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineJoin, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document;

use super::layout::{
    body_rule, capitals, clean, font_data, motto_rule, paragraphs, table_pitch, table_size, Faces,
    Style, AFTER, BODY, BODY_BEFORE, BODY_PITCH, BORDER, BOTTOM, CAPTION, CAPTION_AFTER,
    CAPTION_PITCH, CELL_PAD_X, CELL_PAD_Y, CHART_H, HEAD, HEADER_GAP, HEADER_TOP, HEAD_PITCH,
    INDENT, LEFT, LEFT_COL, MOTTO, NATION, NATION_NAME, PAGE_H, PAGE_NUMBER, PAGE_W, RECIPIENTS,
    RECIPIENTS_HEAD, RECIPIENTS_HEAD_PITCH, RECIPIENTS_PITCH, RIGHT_COL, RULE_H, SIGNATURE_BEFORE,
    SIGNATURE_ROOM, SUBJECT_RULE, TEXT_W, TITLE_BEFORE, TOP,
};
use super::{place_and_date, Block, Chart, ReviewDocument, Table};
use crate::chart::{label, nice_step, ChartKind, COLOURS, MAX_CATEGORIES, MAX_SERIES};
use crate::table::FilesError;

type Rgb = (u8, u8, u8);
const BLACK: Rgb = (0, 0, 0);
const GREY: Rgb = (68, 68, 68);
const GRID: Rgb = (210, 210, 210);
/// Cell borders: half a point, as the DOCX's borders.
const THIN: f32 = BORDER;
/// The header's rules: three quarters of a point (the DOCX's `w:sz="6"`).
const RULE_W: f32 = 0.75;
/// Chart labels and legend.
const CHART_TEXT: f32 = 9.0;

/// Something to draw, placed in points from the page's top left corner.
#[derive(Debug, Clone, PartialEq)]
enum Op {
    /// A line of text from the left end of its baseline; `gap` widens
    /// each space (justification).
    Text {
        x: f32,
        y: f32,
        size: f32,
        style: Style,
        text: String,
        gap: f32,
        colour: Rgb,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        width: f32,
        colour: Rgb,
    },
    /// A filled rectangle (a bar, a legend's swatch).
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Rgb,
    },
    /// A line chart's series.
    Polyline {
        points: Vec<(f32, f32)>,
        width: f32,
        colour: Rgb,
    },
    /// A line chart's point.
    Dot { x: f32, y: f32, r: f32, colour: Rgb },
}

/// The baseline of a line of text at `size` in a line box `pitch` high
/// whose top is `top`: the font's ascent and descent (0.891 and 0.216 em
/// in Liberation Serif) centred in the box.
fn baseline(top: f32, pitch: f32, size: f32) -> f32 {
    top + (pitch - 1.107 * size) / 2.0 + 0.891 * size
}

/// How a line sits between its left edge and its width.
#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Centre,
    Right,
    /// Both edges, but for a paragraph's last line.
    Justify,
}

/// A run of lines of one style.
#[derive(Clone, Copy)]
struct Look {
    style: Style,
    size: f32,
    pitch: f32,
    align: Align,
}

impl Look {
    const fn new(style: Style, size: f32, pitch: f32, align: Align) -> Self {
        Look {
            style,
            size,
            pitch,
            align,
        }
    }
}

/// The pages as they are laid out: those done, the one being filled, and
/// how far down it is filled.
struct Layout<'f> {
    faces: &'f Faces,
    done: Vec<Vec<Op>>,
    page: Vec<Op>,
    y: f32,
}

impl<'f> Layout<'f> {
    fn new(faces: &'f Faces) -> Self {
        Layout {
            faces,
            done: Vec::new(),
            page: Vec::new(),
            y: TOP,
        }
    }

    fn new_page(&mut self) {
        self.done.push(std::mem::take(&mut self.page));
        self.y = TOP;
    }

    fn fresh(&self) -> bool {
        self.y <= TOP + 0.01
    }

    /// Starts a new page unless `h` fits under what is on this one (a new
    /// page would not hold more).
    fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM + 0.01 && !self.fresh() {
            self.new_page();
        }
    }

    /// Lines of `look` in the column from `x` `w` wide, the first's top
    /// `y` from the page's top and indented by `indent`; the last ends
    /// its paragraph.
    fn lines_at(&mut self, lines: &[String], x: f32, w: f32, y: f32, look: Look, indent: f32) {
        let n = lines.len();
        for (i, line) in lines.iter().enumerate() {
            let (x, w) = if i == 0 {
                (x + indent, w - indent)
            } else {
                (x, w)
            };
            let top = y + look.pitch * i as f32;
            self.line(line, x, w, top, look, i + 1 == n);
        }
    }

    /// One line of text in the box from `x` `w` wide whose top is `top`.
    fn line(&mut self, text: &str, x: f32, w: f32, top: f32, look: Look, last: bool) {
        let text = &clean(text);
        let natural = self.faces.width(look.style, text, look.size);
        let spaces = text.matches(' ').count();
        let (x, gap) = match look.align {
            Align::Left => (x, 0.0),
            Align::Centre => (x + (w - natural) / 2.0, 0.0),
            Align::Right => (x + w - natural, 0.0),
            Align::Justify if last || spaces == 0 => (x, 0.0),
            Align::Justify => (x, ((w - natural) / spaces as f32).max(0.0)),
        };
        self.page.push(Op::Text {
            x,
            y: baseline(top, look.pitch, look.size),
            size: look.size,
            style: look.style,
            text: text.to_owned(),
            gap,
            colour: BLACK,
        });
    }

    /// A paragraph across the text width, its lines going on to the next
    /// page where this one ends, `after` below it.
    fn paragraph(&mut self, text: &str, look: Look, indent: f32, after: f32) {
        let lines = self
            .faces
            .wrap(look.style, text, look.size, TEXT_W - indent, TEXT_W);
        let n = lines.len();
        for (i, line) in lines.iter().enumerate() {
            self.ensure(look.pitch);
            let (x, w) = if i == 0 {
                (LEFT + indent, TEXT_W - indent)
            } else {
                (LEFT, TEXT_W)
            };
            let top = self.y;
            self.line(line, x, w, top, look, i + 1 == n);
            self.y += look.pitch;
        }
        self.y += after;
    }

    /// A horizontal rule `w` wide centred on `centre`, at `y`.
    fn rule(&mut self, centre: f32, w: f32, y: f32) {
        self.page.push(Op::Line {
            from: (centre - w / 2.0, y),
            to: (centre + w / 2.0, y),
            width: RULE_W,
            colour: BLACK,
        });
    }

    /// The height of a paragraph's lines.
    fn height(&self, text: &str, look: Look, w: f32, indent: f32) -> f32 {
        self.faces
            .wrap(look.style, text, look.size, w - indent, w)
            .len() as f32
            * look.pitch
    }
}

const BODY_TEXT: Look = Look::new(Style::Regular, BODY, BODY_PITCH, Align::Justify);
const CENTRED_BOLD: Look = Look::new(Style::Bold, BODY, BODY_PITCH, Align::Centre);

/// The header: the issuing body and the national name side by side, the
/// number and the place and date under them, then the type and subject.
fn header(l: &mut Layout<'_>, doc: &ReviewDocument) {
    let top = issuer(l, doc).max(nation(l));
    let right_x = LEFT + LEFT_COL;
    let number = format!("Số: {}", doc.number);
    let number_look = Look::new(Style::Regular, HEAD, BODY_PITCH, Align::Centre);
    l.line(&number, LEFT, LEFT_COL, top, number_look, true);
    let date = place_and_date(&doc.place, doc.date);
    let date = l.faces.lines(Style::Italic, &date, BODY, RIGHT_COL);
    let date_look = Look::new(Style::Italic, BODY, BODY_PITCH, Align::Centre);
    l.lines_at(&date, right_x, RIGHT_COL, top, date_look, 0.0);
    l.y = top + date.len().max(1) as f32 * BODY_PITCH + TITLE_BEFORE;

    l.paragraph(&capitals(&doc.kind), CENTRED_BOLD, 0.0, 0.0);
    for line in paragraphs(&doc.subject) {
        l.paragraph(line, CENTRED_BOLD, 0.0, 0.0);
    }
    l.y += RULE_H;
    l.rule(LEFT + TEXT_W / 2.0, SUBJECT_RULE, l.y);
    l.y += BODY_BEFORE;
}

/// The left column's top: the body above (regular) and the issuing body
/// (bold), in capitals, a rule under them. Returns where the number goes.
fn issuer(l: &mut Layout<'_>, doc: &ReviewDocument) -> f32 {
    let f = l.faces;
    let head = |style| Look::new(style, HEAD, HEAD_PITCH, Align::Centre);
    let mut y = TOP;
    if let Some(parent) = &doc.parent_body {
        let lines = f.lines(Style::Regular, &capitals(parent), HEAD, LEFT_COL);
        l.lines_at(&lines, LEFT, LEFT_COL, y, head(Style::Regular), 0.0);
        y += lines.len() as f32 * HEAD_PITCH;
    }
    let body = f.lines(Style::Bold, &capitals(&doc.body), HEAD, LEFT_COL);
    l.lines_at(&body, LEFT, LEFT_COL, y, head(Style::Bold), 0.0);
    y += body.len() as f32 * HEAD_PITCH + RULE_H;
    l.rule(LEFT + LEFT_COL / 2.0, body_rule(f, &body), y);
    y + HEADER_GAP
}

/// The right column's top: the national name and the motto, the rule
/// under the motto as wide as it. Returns where the date goes.
fn nation(l: &mut Layout<'_>) -> f32 {
    let x = LEFT + LEFT_COL;
    let nation = Look::new(Style::Bold, NATION, HEAD_PITCH, Align::Centre);
    l.line(NATION_NAME, x, RIGHT_COL, TOP, nation, true);
    l.line(MOTTO, x, RIGHT_COL, TOP + HEAD_PITCH, CENTRED_BOLD, true);
    let y = TOP + HEAD_PITCH + BODY_PITCH + RULE_H;
    l.rule(x + RIGHT_COL / 2.0, motto_rule(l.faces), y);
    y + HEADER_GAP
}

/// The look of a heading of `level`.
fn heading_look(level: u8) -> Look {
    let style = if level >= 3 {
        Style::BoldItalic
    } else {
        Style::Bold
    };
    Look::new(style, BODY, BODY_PITCH, Align::Justify)
}

/// How much of `block` must follow a heading on its page (the DOCX keeps
/// a heading with what follows it the same way).
fn lead(l: &Layout<'_>, block: Option<&Block>) -> f32 {
    match block {
        None => 0.0,
        Some(Block::Heading { level, text }) => {
            l.height(text, heading_look(*level), TEXT_W, INDENT) + AFTER
        }
        Some(Block::Paragraph(_)) => BODY_PITCH,
        Some(Block::Table(t)) => {
            let caption = caption_height(l, &t.caption);
            let grid = Grid::new(l.faces, t);
            caption + grid.head_h + grid.rows.first().map_or(0.0, |r| r.h)
        }
        Some(Block::Chart(c)) => CHART_H + caption_height(l, &c.caption),
    }
}

fn body(l: &mut Layout<'_>, blocks: &[Block]) {
    for (i, block) in blocks.iter().enumerate() {
        match block {
            Block::Heading { level, text } => {
                let look = heading_look(*level);
                let h = l.height(text, look, TEXT_W, INDENT) + AFTER;
                l.ensure(h + lead(l, blocks.get(i + 1)));
                l.paragraph(text, look, INDENT, AFTER);
            }
            Block::Paragraph(text) => {
                for p in paragraphs(text) {
                    l.paragraph(p, BODY_TEXT, INDENT, AFTER);
                }
            }
            Block::Table(t) => table(l, t),
            Block::Chart(c) => chart_block(l, c),
        }
    }
}

const CAPTION_LOOK: Look = Look::new(Style::Bold, CAPTION, CAPTION_PITCH, Align::Centre);

fn caption_height(l: &Layout<'_>, caption: &str) -> f32 {
    if caption.trim().is_empty() {
        0.0
    } else {
        l.height(caption, CAPTION_LOOK, TEXT_W, 0.0) + CAPTION_AFTER
    }
}

/// One row of a table: its cells' lines, how they look, its height.
struct GridRow {
    cells: Vec<Vec<String>>,
    style: Style,
    h: f32,
}

/// A table's rows broken into lines in its columns.
struct Grid {
    widths: Vec<f32>,
    size: f32,
    pitch: f32,
    head: GridRow,
    head_h: f32,
    rows: Vec<GridRow>,
}

impl Grid {
    fn new(faces: &Faces, t: &Table) -> Self {
        let widths = faces.column_widths(t);
        let size = table_size(widths.len());
        let pitch = table_pitch(size);
        let row = |cells: &[String], style| {
            let cells: Vec<Vec<String>> = widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let text = cells.get(i).map(String::as_str).unwrap_or_default();
                    let inner = w - 2.0 * CELL_PAD_X;
                    faces.wrap(style, text, size, inner, inner)
                })
                .collect();
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1);
            GridRow {
                cells,
                style,
                h: row_height(lines, pitch),
            }
        };
        let head = row(&t.columns, Style::Bold);
        let mut rows: Vec<GridRow> = t.rows.iter().map(|r| row(r, Style::Regular)).collect();
        rows.extend(t.total.iter().map(|r| row(r, Style::Bold)));
        Grid {
            widths,
            size,
            pitch,
            head_h: head.h,
            head,
            rows,
        }
    }

    /// Whether the header row is repeated on each page: not when it alone
    /// would take half of one.
    fn repeats(&self) -> bool {
        self.head_h < (BOTTOM - TOP) / 2.0
    }
}

/// A row of `lines` lines: their pitch, the cell's padding above and under
/// them and its border (LibreOffice counts the border in a row's height).
fn row_height(lines: usize, pitch: f32) -> f32 {
    lines as f32 * pitch + 2.0 * CELL_PAD_Y + BORDER
}

/// Draws lines `from..to` of `row`'s cells at the layout's place, with
/// the cells' borders, and moves under them.
fn draw_row(l: &mut Layout<'_>, g: &Grid, row: &GridRow, head: bool, from: usize, to: usize) {
    let n = to.saturating_sub(from).max(1);
    let h = row_height(n, g.pitch);
    let top = l.y;
    let mut x = LEFT;
    for (i, (w, cell)) in g.widths.iter().zip(&row.cells).enumerate() {
        let align = match (head, i) {
            (true, _) => Align::Centre,
            (false, 0) => Align::Left,
            _ => Align::Right,
        };
        let lines = cell
            .get(from.min(cell.len())..to.min(cell.len()))
            .unwrap_or_default();
        // The header's cells are centred in its height; the others start
        // at the top.
        let lift = if head {
            (n - lines.len()) as f32 * g.pitch / 2.0
        } else {
            0.0
        };
        let look = Look::new(row.style, g.size, g.pitch, align);
        let inner = w - 2.0 * CELL_PAD_X;
        l.lines_at(
            lines,
            x + CELL_PAD_X,
            inner,
            top + CELL_PAD_Y + lift,
            look,
            0.0,
        );
        cell_borders(l, x, top, *w, h);
        x += w;
    }
    l.y = top + h;
}

fn cell_borders(l: &mut Layout<'_>, x: f32, y: f32, w: f32, h: f32) {
    let corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)];
    for pair in corners.windows(2) {
        if let [a, b] = pair {
            l.page.push(Op::Line {
                from: *a,
                to: *b,
                width: THIN,
                colour: BLACK,
            });
        }
    }
}

fn draw_head(l: &mut Layout<'_>, g: &Grid) {
    let lines = g.head.cells.iter().map(Vec::len).max().unwrap_or(1);
    draw_row(l, g, &g.head, true, 0, lines);
}

/// A table: its caption, its header row, its rows; a row that does not
/// fit goes to the next page under the header row again, and a row
/// taller than a page is broken between its lines.
fn table(l: &mut Layout<'_>, t: &Table) {
    let g = Grid::new(l.faces, t);
    let caption = caption_height(l, &t.caption);
    l.ensure(caption + g.head_h + g.rows.first().map_or(0.0, |r| r.h));
    if caption > 0.0 {
        l.paragraph(&t.caption, CAPTION_LOOK, 0.0, CAPTION_AFTER);
    }
    l.ensure(g.head_h);
    draw_head(l, &g);
    // Where rows start on a page of their own: the most room a row gets.
    let page_top = TOP + if g.repeats() { g.head_h } else { 0.0 };
    let fits_under = |y: f32| {
        let room = ((BOTTOM - y - row_height(0, g.pitch)) / g.pitch + 0.001).floor();
        room.max(0.0) as usize
    };
    let page_fit = fits_under(page_top);
    for row in &g.rows {
        let lines = row.cells.iter().map(Vec::len).max().unwrap_or(1);
        let mut from = 0;
        while from < lines {
            let fit = fits_under(l.y);
            let at_top = l.y <= page_top + 0.01;
            let too_tall = lines - from > page_fit;
            if fit >= lines - from || at_top || (too_tall && fit > 0) {
                // A row no page holds whole is broken where this page
                // ends, as LibreOffice and Word break it (`repeats`
                // leaves a line's room at least under the header).
                let to = lines.min(from + fit.max(1));
                draw_row(l, &g, row, false, from, to);
                from = to;
            }
            if from < lines {
                l.new_page();
                if g.repeats() {
                    draw_head(l, &g);
                }
            }
        }
    }
    l.y += AFTER;
}

/// A chart with its caption under it, kept on one page.
fn chart_block(l: &mut Layout<'_>, c: &Chart) {
    let caption = caption_height(l, &c.caption);
    l.ensure(CHART_H + caption);
    let top = l.y;
    let ops = chart(l.faces, c, LEFT, top, TEXT_W, CHART_H);
    l.page.extend(ops);
    l.y = top + CHART_H + CAPTION_AFTER;
    if caption > 0.0 {
        l.paragraph(&c.caption, CAPTION_LOOK, 0.0, 0.0);
    }
    l.y += AFTER;
}

/// "#RRGGBB" as its three parts (black if it is not that).
fn hex(colour: &str) -> Rgb {
    let part = |i: usize| {
        colour
            .get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    (part(1), part(3), part(5))
}

fn series_colour(k: usize) -> Rgb {
    hex(COLOURS.get(k % COLOURS.len()).copied().unwrap_or("#000000"))
}

/// `text` cut (with "…") to at most `w` wide.
fn fit(faces: &Faces, text: &str, size: f32, w: f32) -> String {
    if faces.width(Style::Regular, text, size) <= w {
        return text.to_owned();
    }
    let mut out: String = text.to_owned();
    while !out.is_empty() {
        out.pop();
        let cut = format!("{}…", out.trim_end());
        if faces.width(Style::Regular, &cut, size) <= w {
            return cut;
        }
    }
    String::new()
}

fn label_op(x: f32, y: f32, text: String, size: f32) -> Op {
    Op::Text {
        x,
        y,
        size,
        style: Style::Regular,
        text: clean(&text),
        gap: 0.0,
        colour: GREY,
    }
}

/// The value axis: its bottom, top and step, as `crate::chart` rounds them.
fn axis(c: &Chart, n: usize) -> Option<(f64, f64, f64)> {
    let values: Vec<f64> = c
        .series
        .iter()
        .take(MAX_SERIES)
        .flat_map(|s| s.values.iter().take(n).flatten().copied())
        .filter(|v| v.is_finite())
        .collect();
    if values.is_empty() {
        return None;
    }
    let (lo, hi) = values
        .iter()
        .fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let step = nice_step((hi - lo) / 4.0);
    let top = (hi / step).ceil().max(if lo < 0.0 { 0.0 } else { 1.0 }) * step;
    let bottom = (lo / step).floor() * step;
    Some((bottom, top, step))
}

/// The legend: a swatch and a name per series, as many on a row as fit,
/// each row centred under the plot. Returns each item's left end, its
/// row's offset from the legend's top, its series and name, and the
/// rows' height.
fn legend(faces: &Faces, c: &Chart, x0: f32, w: f32) -> (Vec<(f32, f32, usize, String)>, f32) {
    let mut rows: Vec<Vec<(f32, usize, String)>> = Vec::new();
    let mut x = 0.0f32;
    for (k, s) in c.series.iter().take(MAX_SERIES).enumerate() {
        let name = fit(faces, &s.name, CHART_TEXT, w - 26.0);
        let item = 12.0 + faces.width(Style::Regular, &name, CHART_TEXT) + 14.0;
        match rows.last_mut() {
            Some(row) if x + item <= w => row.push((x, k, name)),
            _ => {
                x = 0.0;
                rows.push(vec![(0.0, k, name)]);
            }
        }
        x += item;
    }
    let mut items = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let row_w = row.last().map_or(0.0, |(x, _, name)| {
            x + 12.0 + faces.width(Style::Regular, name, CHART_TEXT)
        });
        let left = x0 + ((w - row_w) / 2.0).max(0.0);
        for (x, k, name) in row {
            items.push((left + x, r as f32 * LEGEND_PITCH, *k, name.clone()));
        }
    }
    (items, rows.len() as f32 * LEGEND_PITCH)
}

/// The legend's and the category labels' line pitch.
const LEGEND_PITCH: f32 = 12.0;
const LABEL_PITCH: f32 = 10.0;

/// A bar or line chart in the box at (`x0`, `y0`) `w` × `h`: gridlines
/// and value labels, bars or lines in the Okabe–Ito colours of
/// `crate::chart`, a category label per slot (or per few slots when they
/// are many), the legend under them.
fn chart(faces: &Faces, c: &Chart, x0: f32, y0: f32, w: f32, h: f32) -> Vec<Op> {
    let n = c.categories.len().min(MAX_CATEGORIES);
    let mut ops = Vec::new();
    let Some((bottom, top, step)) = axis(c, n).filter(|_| n > 0) else {
        let text = "Không có dữ liệu".to_owned();
        let tw = faces.width(Style::Regular, &text, BODY);
        ops.push(label_op(x0 + (w - tw) / 2.0, y0 + h / 2.0, text, BODY));
        return ops;
    };
    let steps = ((top - bottom) / step).round().max(1.0) as u32;
    let values: Vec<f64> = (0..=steps).map(|k| bottom + step * f64::from(k)).collect();
    let label_w = values
        .iter()
        .map(|v| faces.width(Style::Regular, &label(*v), CHART_TEXT))
        .fold(0.0f32, f32::max);
    let (items, legend_h) = legend(faces, c, x0 + label_w + 6.0, w - label_w - 6.0);
    let plot_l = x0 + label_w + 6.0;
    let plot_r = x0 + w - 4.0;
    let plot_t = y0 + 6.0;
    // Two lines of category labels between the plot and the legend.
    let plot_b = y0 + h - legend_h - 2.0 * LABEL_PITCH - 8.0;
    let y_of = |v: f64| plot_b - ((v - bottom) / (top - bottom)) as f32 * (plot_b - plot_t);
    for v in &values {
        let y = y_of(*v);
        let colour = if *v == 0.0 { GREY } else { GRID };
        ops.push(Op::Line {
            from: (plot_l, y),
            to: (plot_r, y),
            width: 0.5,
            colour,
        });
        let text = label(*v);
        let tw = faces.width(Style::Regular, &text, CHART_TEXT);
        ops.push(label_op(plot_l - 4.0 - tw, y + 3.0, text, CHART_TEXT));
    }
    ops.push(Op::Line {
        from: (plot_l, plot_t),
        to: (plot_l, plot_b),
        width: 0.5,
        colour: GREY,
    });
    let slot = (plot_r - plot_l) / n as f32;
    category_labels(faces, c, n, plot_l, slot, plot_b + 11.0, &mut ops);
    let zero = y_of(0.0f64.max(bottom).min(top));
    let series: Vec<_> = c.series.iter().take(MAX_SERIES).collect();
    for (k, s) in series.iter().enumerate() {
        let colour = series_colour(k);
        let points = s
            .values
            .iter()
            .take(n)
            .enumerate()
            .filter_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (i, y_of(v))));
        match c.kind {
            ChartKind::Bars => {
                let bar = slot * 0.8 / series.len() as f32;
                for (i, y) in points {
                    let x = plot_l + slot * i as f32 + slot * 0.1 + bar * k as f32;
                    ops.push(Op::Rect {
                        x,
                        y: y.min(zero),
                        w: bar,
                        h: (y - zero).abs(),
                        colour,
                    });
                }
            }
            ChartKind::Lines => {
                let points: Vec<(f32, f32)> = points
                    .map(|(i, y)| (plot_l + slot * (i as f32 + 0.5), y))
                    .collect();
                for (x, y) in &points {
                    ops.push(Op::Dot {
                        x: *x,
                        y: *y,
                        r: 2.0,
                        colour,
                    });
                }
                ops.push(Op::Polyline {
                    points,
                    width: 1.5,
                    colour,
                });
            }
        }
    }
    let legend_top = y0 + h - legend_h;
    for (x, dy, k, name) in items {
        let colour = series_colour(k);
        ops.push(Op::Rect {
            x,
            y: legend_top + dy + 2.0,
            w: 8.0,
            h: 8.0,
            colour,
        });
        ops.push(label_op(x + 12.0, legend_top + dy + 9.0, name, CHART_TEXT));
    }
    ops
}

/// The categories' names under their slots in up to two lines, every
/// `every`th when they would not fit side by side (the first slots' count
/// at which each fits), the rest of a longer one cut.
fn category_labels(
    faces: &Faces,
    c: &Chart,
    n: usize,
    x0: f32,
    slot: f32,
    y: f32,
    ops: &mut Vec<Op>,
) {
    let names: Vec<&String> = c.categories.iter().take(n).collect();
    let lines = |name: &str, room: f32| faces.wrap(Style::Regular, name, CHART_TEXT, room, room);
    let every = (1..=n.max(1))
        .find(|k| {
            let room = slot * *k as f32 - 4.0;
            names.iter().step_by(*k).all(|t| {
                // Two lines at most, and no word cut.
                let l = lines(t, room);
                let words: usize = l.iter().map(|l| l.split_whitespace().count()).sum();
                l.len() <= 2 && words == t.split_whitespace().count()
            })
        })
        .unwrap_or(n.max(1));
    let room = slot * every as f32 - 4.0;
    for (i, name) in names.iter().enumerate().step_by(every) {
        let mut wrapped = lines(name, room);
        if wrapped.len() > 2 {
            let rest = wrapped.split_off(1).join(" ");
            wrapped.push(fit(faces, &rest, CHART_TEXT, room));
        }
        let centre = x0 + slot * (i as f32 + 0.5);
        for (j, text) in wrapped.into_iter().enumerate() {
            let tw = faces.width(Style::Regular, &text, CHART_TEXT);
            // The first and last labels stay inside the plot's width.
            let x = (centre - tw / 2.0).min(x0 + slot * n as f32 - tw).max(x0);
            ops.push(label_op(x, y + j as f32 * LABEL_PITCH, text, CHART_TEXT));
        }
    }
}

/// "Nơi nhận:" and its lines on the left, the signer on the right; kept on
/// one page unless the list of recipients is longer than a page.
fn signature(l: &mut Layout<'_>, doc: &ReviewDocument) {
    let f = l.faces;
    let mut right: Vec<(String, Look)> = Vec::new();
    let signer = Look::new(Style::Bold, BODY, BODY_PITCH, Align::Centre);
    for t in doc.signer.authority.iter().chain([&doc.signer.title]) {
        for line in f.lines(Style::Bold, &capitals(t), BODY, RIGHT_COL) {
            right.push((line, signer));
        }
    }
    let name_lines = f.lines(Style::Bold, &doc.signer.name, BODY, RIGHT_COL);
    let right_h = (right.len() + name_lines.len()) as f32 * BODY_PITCH + SIGNATURE_ROOM;
    let head = Look::new(
        Style::BoldItalic,
        RECIPIENTS_HEAD,
        RECIPIENTS_HEAD_PITCH,
        Align::Left,
    );
    let item = Look::new(Style::Regular, RECIPIENTS, RECIPIENTS_PITCH, Align::Left);
    let mut left = vec![("Nơi nhận:".to_owned(), head)];
    for r in &doc.recipients {
        for line in f.lines(Style::Regular, r, RECIPIENTS, LEFT_COL) {
            left.push((line, item));
        }
    }
    let left_h: f32 = left.iter().map(|(_, look)| look.pitch).sum();
    l.y += SIGNATURE_BEFORE;
    l.ensure(right_h.max(left_h).min(BOTTOM - TOP));
    let top = l.y;
    let right_x = LEFT + LEFT_COL;
    let mut y = top;
    for (line, look) in &right {
        l.line(line, right_x, RIGHT_COL, y, *look, true);
        y += BODY_PITCH;
    }
    y += SIGNATURE_ROOM;
    for line in &name_lines {
        l.line(line, right_x, RIGHT_COL, y, signer, true);
        y += BODY_PITCH;
    }
    let page = l.done.len();
    for (line, look) in &left {
        l.ensure(look.pitch);
        let y = l.y;
        l.line(line, LEFT, LEFT_COL, y, *look, true);
        l.y += look.pitch;
    }
    // Under the taller column, when both are on this page.
    if l.done.len() == page {
        l.y = l.y.max(y);
    }
}

/// The page number, centred in the top margin, from page 2 on.
fn page_numbers(pages: &mut [Vec<Op>], faces: &Faces) {
    for (i, page) in pages.iter_mut().enumerate().skip(1) {
        let text = (i + 1).to_string();
        let w = faces.width(Style::Regular, &text, PAGE_NUMBER);
        // First on the page, so it reads first (as a header does).
        page.insert(
            0,
            Op::Text {
                x: LEFT + (TEXT_W - w) / 2.0,
                y: HEADER_TOP + 0.891 * PAGE_NUMBER,
                size: PAGE_NUMBER,
                style: Style::Regular,
                text,
                gap: 0.0,
                colour: BLACK,
            },
        );
    }
}

/// The pages of `doc`, laid out.
fn layout(doc: &ReviewDocument, faces: &Faces) -> Vec<Vec<Op>> {
    let mut l = Layout::new(faces);
    header(&mut l, doc);
    body(&mut l, &doc.blocks);
    signature(&mut l, doc);
    if !doc.appendix.is_empty() {
        l.new_page();
        body(&mut l, &doc.appendix);
    }
    let mut pages = l.done;
    pages.push(l.page);
    page_numbers(&mut pages, faces);
    pages
}

/// The fonts as krilla embeds them, with the faces they are shaped with.
struct Fonts {
    fonts: [Font; 4],
}

impl Fonts {
    fn load() -> Result<Self, FilesError> {
        let font = |s| Font::new(font_data(s).into(), 0).ok_or_else(super::layout::bad_font);
        Ok(Fonts {
            fonts: [
                font(Style::Regular)?,
                font(Style::Bold)?,
                font(Style::Italic)?,
                font(Style::BoldItalic)?,
            ],
        })
    }

    fn get(&self, style: Style) -> &Font {
        let [regular, bold, italic, bold_italic] = &self.fonts;
        match style {
            Style::Regular => regular,
            Style::Bold => bold,
            Style::Italic => italic,
            Style::BoldItalic => bold_italic,
        }
    }
}

/// `text` shaped into glyphs, each space `gap` points wider.
fn glyphs(face: &rustybuzz::Face<'_>, text: &str, size: f32, gap: f32) -> Vec<KrillaGlyph> {
    let mut buf = rustybuzz::UnicodeBuffer::new();
    buf.push_str(text);
    buf.guess_segment_properties();
    let shaped = rustybuzz::shape(face, &[], buf);
    let upem = f32::from(face.units_per_em() as u16);
    // Each glyph's cluster runs to where the next cluster starts.
    let clusters: Vec<usize> = shaped
        .glyph_infos()
        .iter()
        .map(|g| g.cluster as usize)
        .collect();
    let mut ends = Vec::with_capacity(clusters.len());
    let (mut end, mut next) = (text.len(), None);
    for &c in clusters.iter().rev() {
        if let Some(n) = next.filter(|n| *n != c) {
            end = n;
        }
        ends.push(end);
        next = Some(c);
    }
    ends.reverse();
    shaped
        .glyph_infos()
        .iter()
        .zip(shaped.glyph_positions())
        .zip(clusters.iter().zip(ends))
        .map(|((info, pos), (&start, end))| {
            let space = text.get(start..end) == Some(" ");
            let extra = if space && size > 0.0 { gap / size } else { 0.0 };
            KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                pos.x_advance as f32 / upem + extra,
                pos.x_offset as f32 / upem,
                pos.y_offset as f32 / upem,
                pos.y_advance as f32 / upem,
                start..end,
                None,
            )
        })
        .collect()
}

fn colour(c: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

fn stroke(surface: &mut krilla::surface::Surface<'_>, points: &[(f32, f32)], width: f32, c: Rgb) {
    let mut pb = PathBuilder::new();
    for (i, (x, y)) in points.iter().enumerate() {
        if i == 0 {
            pb.move_to(*x, *y);
        } else {
            pb.line_to(*x, *y);
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: colour(c),
            width,
            line_join: LineJoin::Round,
            ..Default::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
}

fn fill(surface: &mut krilla::surface::Surface<'_>, pb: PathBuilder, c: Rgb) {
    if let Some(path) = pb.finish() {
        surface.set_stroke(None);
        surface.set_fill(Some(Fill {
            paint: colour(c),
            ..Default::default()
        }));
        surface.draw_path(&path);
    }
}

/// A circle of radius `r` as four Bézier quarters.
fn circle(x: f32, y: f32, r: f32) -> PathBuilder {
    const K: f32 = 0.552_284_8;
    let k = K * r;
    let mut pb = PathBuilder::new();
    pb.move_to(x + r, y);
    pb.cubic_to(x + r, y + k, x + k, y + r, x, y + r);
    pb.cubic_to(x - k, y + r, x - r, y + k, x - r, y);
    pb.cubic_to(x - r, y - k, x - k, y - r, x, y - r);
    pb.cubic_to(x + k, y - r, x + r, y - k, x + r, y);
    pb.close();
    pb
}

fn draw(surface: &mut krilla::surface::Surface<'_>, fonts: &Fonts, faces: &Faces, op: &Op) {
    match op {
        Op::Text {
            x,
            y,
            size,
            style,
            text,
            gap,
            colour: c,
        } => {
            let glyphs = glyphs(faces.face(*style), text, *size, *gap);
            surface.set_stroke(None);
            surface.set_fill(Some(Fill {
                paint: colour(*c),
                ..Default::default()
            }));
            let font = fonts.get(*style).clone();
            surface.draw_glyphs(Point::from_xy(*x, *y), &glyphs, font, text, *size, false);
        }
        Op::Line {
            from,
            to,
            width,
            colour: c,
        } => stroke(surface, &[*from, *to], *width, *c),
        Op::Polyline {
            points,
            width,
            colour: c,
        } => stroke(surface, points, *width, *c),
        Op::Rect {
            x,
            y,
            w,
            h,
            colour: c,
        } => {
            let mut pb = PathBuilder::new();
            if let Some(r) = Rect::from_xywh(*x, *y, *w, h.max(0.1)) {
                pb.push_rect(r);
            }
            fill(surface, pb, *c);
        }
        Op::Dot { x, y, r, colour: c } => fill(surface, circle(*x, *y, *r), *c),
    }
}

/// The review as a PDF on A4 portrait, Liberation Serif embedded.
pub fn review_pdf(doc: &ReviewDocument) -> Result<Vec<u8>, FilesError> {
    let faces = Faces::load()?;
    let fonts = Fonts::load()?;
    let pages = layout(doc, &faces);
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(doc.subject.clone())
            .creator("binhyen".into())
            .language("vi".into()),
    );
    for ops in &pages {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| FilesError::Write("khổ giấy A4 không dựng được".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, &fonts, &faces, op);
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| FilesError::Write(format!("không tạo được tệp PDF: {e:?}").into()))
}

#[cfg(test)]
mod tests {
    use lopdf::Object;

    use super::super::sample::sample;
    use super::super::Signer;
    use super::*;
    use crate::chart::Series;

    const RIGHT: f32 = LEFT + TEXT_W;

    /// Where each page's text starts (from the page's top), read from the
    /// PDF's content streams: krilla flips the page (`cm 1 0 0 -1 0 h`),
    /// so a `Tm`'s last operand is the baseline from the top.
    fn text_tops(doc: &lopdf::Document, page: lopdf::ObjectId) -> Vec<f32> {
        let content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
        let mut flipped = false;
        let mut tops = Vec::new();
        for op in &content.operations {
            let nums: Vec<f32> = op
                .operands
                .iter()
                .filter_map(|o| o.as_float().ok())
                .collect();
            match op.operator.as_str() {
                "cm" => flipped = nums == [1.0, 0.0, 0.0, -1.0, 0.0, PAGE_H],
                "Tm" => {
                    assert!(flipped, "text drawn in an unflipped page");
                    tops.push(nums[5]);
                }
                _ => {}
            }
        }
        tops
    }

    fn media_box(doc: &lopdf::Document, page: lopdf::ObjectId) -> Vec<f32> {
        let mut dict = doc.get_dictionary(page).unwrap();
        loop {
            if let Ok(b) = dict.get(b"MediaBox") {
                let b = doc.dereference(b).unwrap().1.as_array().unwrap();
                return b.iter().map(|n| n.as_float().unwrap()).collect();
            }
            let parent = dict.get(b"Parent").unwrap().as_reference().unwrap();
            dict = doc.get_dictionary(parent).unwrap();
        }
    }

    /// The embedded fonts' names without their subset tags.
    fn embedded_fonts(doc: &lopdf::Document) -> Vec<String> {
        let mut names: Vec<String> = doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter(|d| d.get(b"Type").and_then(Object::as_name).ok() == Some(b"FontDescriptor"))
            .map(|d| {
                assert!(d.has(b"FontFile2"), "{d:?} embedded");
                let name = d.get(b"FontName").unwrap().as_name().unwrap();
                let name = String::from_utf8_lossy(name).into_owned();
                name.split_once('+')
                    .map_or(name.clone(), |(_, n)| n.to_owned())
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_review_pdf_is_a4_with_its_fonts_embedded_and_numbered_from_page_two() {
        let bytes = review_pdf(&sample()).unwrap();
        // REVIEW_PDF=/tmp/review-sample.pdf keeps the file, to look at.
        if let Some(out) = std::env::var_os("REVIEW_PDF") {
            std::fs::write(out, &bytes).unwrap();
        }
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        let pages = doc.get_pages();
        assert!(pages.len() >= 2, "{} pages", pages.len());
        for (n, id) in &pages {
            let b = media_box(&doc, *id);
            assert_eq!(b.len(), 4);
            assert!(b[0].abs() < 0.01 && b[1].abs() < 0.01, "page {n}: {b:?}");
            assert!(
                (b[2] - 595.28).abs() < 0.5 && (b[3] - 841.89).abs() < 0.5,
                "page {n}: {b:?}"
            );
        }
        assert_eq!(
            embedded_fonts(&doc),
            [
                "LiberationSerif",
                "LiberationSerif-Bold",
                "LiberationSerif-BoldItalic",
                "LiberationSerif-Italic"
            ]
        );
        // Nothing on page 1 above the top margin; one line (the number)
        // on each page after it, in the upper half of the margin.
        for (n, id) in &pages {
            let tops = text_tops(&doc, *id);
            let above: Vec<&f32> = tops.iter().filter(|y| **y < TOP).collect();
            if *n == 1 {
                assert!(above.is_empty(), "page 1: {above:?}");
                assert!(tops.iter().all(|y| *y > TOP && *y < BOTTOM));
            } else {
                assert_eq!(above.len(), 1, "page {n}: {above:?}");
                assert!(*above[0] > HEADER_TOP && *above[0] < TOP, "{above:?}");
            }
        }
        let first = doc.extract_text(&[1]).unwrap();
        let second = doc.extract_text(&[2]).unwrap();
        assert!(first.trim_start().starts_with("BỘ CÔNG AN"), "{first}");
        assert!(second.trim_start().starts_with('2'), "{second}");
        // The words keep their spaces (justified lines widen them).
        let text = crate::text::extract("application/pdf", &bytes).unwrap();
        assert!(
            text.contains("Thực hiện Kế hoạch số 120/KH-CAT ngày 15/01/2021"),
            "{text}"
        );
        assert!(text.contains("Lưu: VT, PV05.") && text.contains("Nguyễn Văn An"));
        // The appendix starts a page of its own after the signature.
        let last = doc.extract_text(&[pages.len() as u32]).unwrap();
        assert!(last.contains("PHỤ LỤC: SỐ LIỆU THEO ĐƠN VỊ"), "{last}");
        assert!(!last.contains("Nguyễn Văn An"), "{last}");
    }

    /// Every op on its page inside the margins, but the page numbers:
    /// none on page 1, the right one above the text on the others.
    fn check_margins(faces: &Faces, pages: &[Vec<Op>]) {
        const E: f32 = 0.01;
        for (i, page) in pages.iter().enumerate() {
            let mut numbers = Vec::new();
            for op in page {
                match op {
                    Op::Text {
                        x,
                        y,
                        size,
                        style,
                        text,
                        gap,
                        ..
                    } => {
                        if *y < TOP {
                            numbers.push(text.clone());
                            continue;
                        }
                        let w = faces.width(*style, text, *size)
                            + gap * text.matches(' ').count() as f32;
                        assert!(
                            *x >= LEFT - E && x + w <= RIGHT + E,
                            "page {}: {op:?} ({w})",
                            i + 1
                        );
                        assert!(
                            y - 0.891 * size >= TOP - E && y + 0.216 * size <= BOTTOM + E,
                            "page {}: {op:?}",
                            i + 1
                        );
                    }
                    Op::Line { from, to, .. } => {
                        for (x, y) in [from, to] {
                            assert!(
                                *x >= LEFT - E
                                    && *x <= RIGHT + E
                                    && *y >= TOP - E
                                    && *y <= BOTTOM + E,
                                "{op:?}"
                            );
                        }
                    }
                    Op::Rect { x, y, w, h, .. } => {
                        assert!(
                            *x >= LEFT - E
                                && x + w <= RIGHT + E
                                && *y >= TOP - E
                                && y + h <= BOTTOM + E,
                            "{op:?}"
                        );
                    }
                    Op::Polyline { points, .. } => {
                        for (x, y) in points {
                            assert!(
                                *x >= LEFT && *x <= RIGHT && *y >= TOP && *y <= BOTTOM,
                                "{op:?}"
                            );
                        }
                    }
                    Op::Dot { x, y, r, .. } => {
                        assert!(
                            x - r >= LEFT && x + r <= RIGHT && y - r >= TOP && y + r <= BOTTOM,
                            "{op:?}"
                        );
                    }
                }
            }
            let expected: Vec<String> = if i == 0 {
                vec![]
            } else {
                vec![(i + 1).to_string()]
            };
            assert_eq!(numbers, expected, "page {}", i + 1);
        }
    }

    fn texts(page: &[Op]) -> impl Iterator<Item = (&str, Style, f32, f32)> {
        page.iter().filter_map(|op| match op {
            Op::Text {
                text,
                style,
                x,
                gap,
                ..
            } => Some((text.as_str(), *style, *x, *gap)),
            _ => None,
        })
    }

    #[test]
    fn the_sample_stays_in_its_margins_and_its_paragraphs_are_justified() {
        let faces = Faces::load().unwrap();
        let pages = layout(&sample(), &faces);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        check_margins(&faces, &pages);
        let mut justified = 0;
        for page in &pages {
            for op in page {
                if let Op::Text {
                    x,
                    size,
                    style,
                    text,
                    gap,
                    ..
                } = op
                {
                    if *gap > 0.0 {
                        let w = faces.width(*style, text, *size)
                            + gap * text.matches(' ').count() as f32;
                        assert!((x + w - RIGHT).abs() < 0.05, "{op:?} ends at {}", x + w);
                        justified += 1;
                    }
                }
            }
        }
        assert!(justified > 30, "{justified} justified lines");
        // A paragraph's last line keeps its spaces; its first is indented.
        let all: Vec<_> = pages.iter().flat_map(|p| texts(p)).collect();
        let last = all.iter().find(|(t, ..)| *t == "địa bàn.").unwrap();
        assert_eq!(last.3, 0.0);
        let first = all
            .iter()
            .find(|(t, ..)| t.starts_with("Thực hiện Kế hoạch"))
            .unwrap();
        assert!((first.2 - LEFT - INDENT).abs() < 0.01);
        // The header's lines, their styles, and the date in italics.
        let page1: Vec<_> = texts(&pages[0]).collect();
        let has = |t: &str, s: Style| page1.iter().any(|(x, st, ..)| *x == t && *st == s);
        assert!(has("BỘ CÔNG AN", Style::Regular) && has("CÔNG AN TỈNH NINH BÌNH", Style::Bold));
        assert!(has("Số: 05/BC-CAT", Style::Regular) && has("BÁO CÁO", Style::Bold));
        assert!(has("Ninh Bình, ngày 05 tháng 01 năm 2026", Style::Italic));
        assert!(has("Độc lập - Tự do - Hạnh phúc", Style::Bold));
        assert!(has("a) Công tác tuyên truyền, vận động", Style::BoldItalic));
        // The signature (the appendix follows it on pages of its own).
        let signer = &all;
        assert!(signer
            .iter()
            .any(|(t, s, ..)| *t == "Nơi nhận:" && *s == Style::BoldItalic));
        assert!(signer
            .iter()
            .any(|(t, s, ..)| *t == "PHÓ GIÁM ĐỐC" && *s == Style::Bold));
    }

    #[test]
    fn a_long_wide_table_runs_over_pages_under_its_header() {
        let faces = Faces::load().unwrap();
        let mut doc = sample();
        let columns: Vec<String> = std::iter::once("Đơn vị".to_owned())
            .chain((1..12).map(|i| format!("Chỉ tiêu {i}")))
            .collect();
        let mut rows: Vec<Vec<String>> = (0..300)
            .map(|r| {
                std::iter::once(format!("Phường số {r}"))
                    .chain((1..12).map(|i| format!("{}", r * i)))
                    .collect()
            })
            .collect();
        // A row longer than a page is broken between its lines.
        rows[150][0] = "Tổ dân phố rất dài ".repeat(400);
        doc.blocks = vec![Block::Table(Table {
            caption: "Bảng 2. Số liệu theo phường".into(),
            columns,
            rows,
            total: None,
        })];
        // REVIEW_WIDE=/tmp/wide keeps it as /tmp/wide.pdf and /tmp/wide.docx.
        if let Some(out) = std::env::var_os("REVIEW_WIDE") {
            let out = std::path::PathBuf::from(out);
            std::fs::write(out.with_extension("pdf"), review_pdf(&doc).unwrap()).unwrap();
            let docx = super::super::review_docx(&doc).unwrap();
            std::fs::write(out.with_extension("docx"), docx).unwrap();
        }
        let pages = layout(&doc, &faces);
        check_margins(&faces, &pages);
        let mut shown = 0;
        for (i, page) in pages.iter().enumerate() {
            let texts: Vec<_> = texts(page).collect();
            let rows = texts
                .iter()
                .filter(|(t, ..)| t.starts_with("Phường số ") || t.starts_with("Tổ dân"))
                .count();
            if rows == 0 {
                continue;
            }
            shown += texts
                .iter()
                .filter(|(t, ..)| t.starts_with("Phường số "))
                .count();
            let heads = texts
                .iter()
                .filter(|(t, s, ..)| *t == "Đơn vị" && *s == Style::Bold)
                .count();
            assert_eq!(heads, 1, "page {}", i + 1);
        }
        assert_eq!(shown, 299);
        let words = pages
            .iter()
            .flat_map(|p| texts(p))
            .flat_map(|(t, ..)| t.split_whitespace())
            .filter(|w| *w == "dài")
            .count();
        assert_eq!(words, 400);
        assert!(pages.len() > 8, "{} pages", pages.len());
    }

    #[test]
    fn charts_are_bounded_and_an_empty_one_says_so() {
        let faces = Faces::load().unwrap();
        let categories: Vec<String> = (0..100).map(|i| format!("X{i}")).collect();
        let series: Vec<Series> = (0..10)
            .map(|k| Series {
                name: format!("Chỉ tiêu {k}"),
                values: (0..100).map(|i| Some(f64::from(i * k) - 50.0)).collect(),
            })
            .collect();
        let mut doc = sample();
        doc.number = "05\u{1}/BC".into();
        doc.signer = Signer {
            authority: None,
            title: "Giám đốc".into(),
            name: "Trần Văn Bình".into(),
        };
        doc.blocks = vec![
            Block::Chart(Chart {
                caption: "Nhiều".into(),
                kind: ChartKind::Bars,
                categories: categories.clone(),
                series: series.clone(),
            }),
            Block::Chart(Chart {
                caption: "Đường".into(),
                kind: ChartKind::Lines,
                categories,
                series,
            }),
            Block::Chart(Chart {
                caption: "Trống".into(),
                kind: ChartKind::Lines,
                categories: vec!["a".into()],
                series: vec![Series {
                    name: "s".into(),
                    values: vec![None],
                }],
            }),
        ];
        let pages = layout(&doc, &faces);
        check_margins(&faces, &pages);
        let ops: Vec<&Op> = pages.iter().flatten().collect();
        let legend = |name: &str| {
            ops.iter()
                .filter(|o| matches!(o, Op::Text { text, .. } if text == name))
                .count()
        };
        assert_eq!(legend("Chỉ tiêu 7"), 2);
        assert_eq!(legend("Chỉ tiêu 8"), 0, "8 series at most");
        assert_eq!(legend("X0"), 2);
        assert_eq!(legend("X60"), 0, "60 categories at most");
        assert_eq!(legend("Không có dữ liệu"), 1);
        assert_eq!(legend("-200"), 2, "the axis goes below zero (-50)");
        let bars = ops.iter().filter(|o| matches!(o, Op::Rect { .. })).count();
        assert_eq!(bars, 60 * 8 + 8 * 2, "bars and swatches");
        assert_eq!(legend("Số: 05/BC"), 1, "control characters dropped");
        assert!(review_pdf(&doc).is_ok());
    }
}
