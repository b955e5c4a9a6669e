//! Validation rules: a comparison between two arithmetic expressions over
//! the indicators of one unit and period, such as
//! `tin_bao_co_gia_tri <= tin_bao` or `so_thanh_vien >= so_to * 3`.
//!
//! A rule whose operands are not all entered is not checked (the figure may
//! come later); division by zero likewise. Parsing is bounded in length and
//! depth, so a hostile rule cannot exhaust the stack.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use crate::{DomainError, Reason};

pub const MAX_RULE_CHARS: usize = 500;
const MAX_DEPTH: usize = 32;
/// Values are compared with this tolerance: percentages such as 33.3 + 66.7
/// must equal 100.
const EPSILON: f64 = 1e-9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Cmp {
    fn as_str(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
        }
    }

    fn holds(self, a: f64, b: f64) -> bool {
        let scale = 1.0_f64.max(a.abs()).max(b.abs());
        let eq = (a - b).abs() <= EPSILON * scale;
        match self {
            Cmp::Lt => a < b && !eq,
            Cmp::Le => a < b || eq,
            Cmp::Gt => a > b && !eq,
            Cmp::Ge => a > b || eq,
            Cmp::Eq => eq,
            Cmp::Ne => !eq,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    Indicator(String),
    Neg(Box<Expr>),
    Op(Box<Expr>, char, Box<Expr>),
}

impl Expr {
    /// The value, or `None` when an operand is missing or a division is by zero.
    pub fn eval(&self, values: &HashMap<String, f64>) -> Option<f64> {
        match self {
            Expr::Number(n) => Some(*n),
            Expr::Indicator(code) => values.get(code).copied(),
            Expr::Neg(e) => e.eval(values).map(|v| -v),
            Expr::Op(a, op, b) => {
                let (a, b) = (a.eval(values)?, b.eval(values)?);
                let v = match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    _ if b == 0.0 => return None,
                    _ => a / b,
                };
                v.is_finite().then_some(v)
            }
        }
    }

    fn codes<'a>(&'a self, out: &mut BTreeSet<&'a str>) {
        match self {
            Expr::Number(_) => {}
            Expr::Indicator(c) => {
                out.insert(c);
            }
            Expr::Neg(e) => e.codes(out),
            Expr::Op(a, _, b) => {
                a.codes(out);
                b.codes(out);
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Number(n) => write!(f, "{n}"),
            Expr::Indicator(c) => f.write_str(c),
            Expr::Neg(e) => write!(f, "-({e})"),
            Expr::Op(a, op, b) => write!(f, "({a} {op} {b})"),
        }
    }
}

/// A parsed rule: `left cmp right`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub left: Expr,
    pub cmp: Cmp,
    pub right: Expr,
}

/// What checking a rule found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Holds,
    Broken,
    /// An operand is missing or a division is by zero.
    NotChecked,
}

impl Rule {
    pub fn parse(field: &'static str, text: &str) -> Result<Rule, DomainError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_RULE_CHARS {
            return Err(DomainError::new(
                field,
                Reason::RuleLength {
                    max: MAX_RULE_CHARS,
                },
            ));
        }
        let tokens = tokenize(text).map_err(|m| DomainError::new(field, m))?;
        let mut p = Parser { tokens, pos: 0 };
        let rule = p.rule().map_err(|m| DomainError::new(field, m))?;
        Ok(rule)
    }

    /// The indicator codes the rule reads, sorted.
    pub fn codes(&self) -> Vec<&str> {
        let mut out = BTreeSet::new();
        self.left.codes(&mut out);
        self.right.codes(&mut out);
        out.into_iter().collect()
    }

    pub fn check(&self, values: &HashMap<String, f64>) -> Outcome {
        match (self.left.eval(values), self.right.eval(values)) {
            (Some(a), Some(b)) if self.cmp.holds(a, b) => Outcome::Holds,
            (Some(_), Some(_)) => Outcome::Broken,
            _ => Outcome::NotChecked,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.left, self.cmp.as_str(), self.right)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Code(String),
    Op(char),
    Open,
    Close,
    Cmp(Cmp),
}

fn tokenize(s: &str) -> Result<Vec<Token>, Reason> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        match c {
            ' ' | '\t' => i += 1,
            '+' | '-' | '*' | '/' => {
                out.push(Token::Op(c));
                i += 1;
            }
            '(' | ')' => {
                out.push(if c == '(' { Token::Open } else { Token::Close });
                i += 1;
            }
            '<' | '>' | '=' | '!' => {
                let (cmp, len) = match (c, next) {
                    ('<', Some('=')) => (Cmp::Le, 2),
                    ('>', Some('=')) => (Cmp::Ge, 2),
                    ('=', Some('=')) => (Cmp::Eq, 2),
                    ('!', Some('=')) => (Cmp::Ne, 2),
                    ('<', _) => (Cmp::Lt, 1),
                    ('>', _) => (Cmp::Gt, 1),
                    ('=', _) => (Cmp::Eq, 1),
                    _ => return Err(Reason::RuleBang),
                };
                out.push(Token::Cmp(cmp));
                i += len;
            }
            '0'..='9' | '.' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_digit() || *c == '.')
                {
                    i += 1;
                }
                let text: String = chars.get(start..i).unwrap_or_default().iter().collect();
                let n: f64 = text
                    .parse()
                    .ok()
                    .filter(|n: &f64| n.is_finite())
                    .ok_or_else(|| Reason::RuleNumber { text: text.clone() })?;
                out.push(Token::Number(n));
            }
            'a'..='z' | 'A'..='Z' | '_' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    i += 1;
                }
                let code: String = chars.get(start..i).unwrap_or_default().iter().collect();
                out.push(Token::Code(code.to_ascii_lowercase()));
            }
            other => {
                return Err(Reason::RuleCharacter {
                    character: other.to_string(),
                })
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn bump(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn rule(&mut self) -> Result<Rule, Reason> {
        let left = self.expr(0)?;
        let Some(Token::Cmp(cmp)) = self.bump() else {
            return Err(Reason::RuleComparison);
        };
        let right = self.expr(0)?;
        match self.peek() {
            None => Ok(Rule { left, cmp, right }),
            Some(_) => Err(Reason::RuleTrailing),
        }
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, Reason> {
        let mut left = self.term(depth)?;
        while let Some(Token::Op(op @ ('+' | '-'))) = self.peek().cloned() {
            self.pos += 1;
            let right = self.term(depth)?;
            left = Expr::Op(Box::new(left), op, Box::new(right));
        }
        Ok(left)
    }

    fn term(&mut self, depth: usize) -> Result<Expr, Reason> {
        let mut left = self.factor(depth)?;
        while let Some(Token::Op(op @ ('*' | '/'))) = self.peek().cloned() {
            self.pos += 1;
            let right = self.factor(depth)?;
            left = Expr::Op(Box::new(left), op, Box::new(right));
        }
        Ok(left)
    }

    fn factor(&mut self, depth: usize) -> Result<Expr, Reason> {
        if depth > MAX_DEPTH {
            return Err(Reason::RuleTooDeep);
        }
        match self.bump() {
            Some(Token::Number(n)) => Ok(Expr::Number(n)),
            Some(Token::Code(c)) => Ok(Expr::Indicator(c)),
            Some(Token::Op('-')) => Ok(Expr::Neg(Box::new(self.factor(depth + 1)?))),
            Some(Token::Open) => {
                let e = self.expr(depth + 1)?;
                match self.bump() {
                    Some(Token::Close) => Ok(e),
                    _ => Err(Reason::RuleParenthesis),
                }
            }
            _ => Err(Reason::RuleOperand),
        }
    }
}

/// A rule's expression as people read it: each indicator code replaced by
/// its name (`name_of`), and the comparison written as in print
/// (`Tin báo có giá trị ≤ Tin báo`).
pub fn readable<'a>(expression: &str, name_of: impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(name_of(word).unwrap_or(word));
            word.clear();
        }
    };
    for c in expression.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out.replace("<=", "≤")
        .replace(">=", "≥")
        .replace("!=", "≠")
        .replace('*', "×")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_read_with_names() {
        let names = |c: &str| match c {
            "tin_bao" => Some("Tin báo"),
            "tin_bao_co_gia_tri" => Some("Tin báo có giá trị"),
            _ => None,
        };
        assert_eq!(
            readable("tin_bao_co_gia_tri <= tin_bao * 2", names),
            "Tin báo có giá trị ≤ Tin báo × 2"
        );
        assert_eq!(readable("x_1 >= 3", names), "x_1 ≥ 3");
    }

    fn values(pairs: &[(&str, f64)]) -> HashMap<String, f64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn checks_the_examples_of_the_issue() {
        let r = Rule::parse("rule", "tin_bao_co_gia_tri <= tin_bao").unwrap();
        assert_eq!(r.codes(), ["tin_bao", "tin_bao_co_gia_tri"]);
        assert_eq!(
            r.check(&values(&[("tin_bao", 10.0), ("tin_bao_co_gia_tri", 4.0)])),
            Outcome::Holds
        );
        assert_eq!(
            r.check(&values(&[("tin_bao", 3.0), ("tin_bao_co_gia_tri", 4.0)])),
            Outcome::Broken
        );
        assert_eq!(r.check(&values(&[("tin_bao", 3.0)])), Outcome::NotChecked);

        let r = Rule::parse("rule", "so_thanh_vien >= so_to * 3").unwrap();
        assert_eq!(
            r.check(&values(&[("so_thanh_vien", 30.0), ("so_to", 10.0)])),
            Outcome::Holds
        );
        assert_eq!(
            r.check(&values(&[("so_thanh_vien", 29.0), ("so_to", 10.0)])),
            Outcome::Broken
        );
    }

    #[test]
    fn precedence_parentheses_and_tolerance() {
        let r = Rule::parse("rule", "a + b * 2 == (a + b) * 2 - b").unwrap();
        assert_eq!(r.check(&values(&[("a", 1.0), ("b", 0.0)])), Outcome::Broken);
        assert_eq!(r.check(&values(&[("a", 4.0), ("b", 4.0)])), Outcome::Holds);
        let r = Rule::parse("rule", "a + b = 100").unwrap();
        assert_eq!(
            r.check(&values(&[("a", 33.3), ("b", 66.7)])),
            Outcome::Holds
        );
        let r = Rule::parse("rule", "a / b < 1").unwrap();
        assert_eq!(
            r.check(&values(&[("a", 1.0), ("b", 0.0)])),
            Outcome::NotChecked
        );
        let r = Rule::parse("rule", "-a < -(b)").unwrap();
        assert_eq!(r.check(&values(&[("a", 2.0), ("b", 1.0)])), Outcome::Holds);
    }

    #[test]
    fn refuses_bad_text() {
        for bad in [
            "",
            "a",
            "a <",
            "a < b < c",
            "a <= (b",
            "a ! b",
            "a <= b;",
            "a <= 1..2",
            "a => b",
            "tin_báo <= 1",
        ] {
            assert!(Rule::parse("rule", bad).is_err(), "{bad}");
        }
        let deep = format!("{}a{} < 1", "(".repeat(100), ")".repeat(100));
        assert!(Rule::parse("rule", &deep).is_err());
        let long = format!("a < {}", "1+".repeat(300));
        assert!(Rule::parse("rule", &long).is_err());
    }
}
