/*
 * Nianbao rules: parses, computes and checks report values in the browser exactly like
 * reports/formats (Python). It knows no rule, label or message of its own: everything comes
 * from the JSON of reports.formats.rules.format_json(fmt) (`spec` below), so the two cannot
 * drift apart. Values are in their JSON form: counts as integers, money (万元) as decimal
 * strings ("132.6444"), empty cells as null. Money is computed as integers scaled by 10^4,
 * which equals Python's Decimal arithmetic for up to four decimal places.
 *
 * window.NianbaoRules = {parseCell, compute, evaluate, formatCell}. ES2017, no dependencies,
 * no eval (CSP-safe).
 */
(function (root) {
  "use strict";

  var SCALE = 10000;
  var indexes = new WeakMap();

  function index(spec) {
    var found = indexes.get(spec);
    if (!found) {
      found = {
        cells: {},
        rules: {},
        whitespace: new RegExp(spec.parse.whitespace_pattern, "g"),
        number: new RegExp("^(?:" + spec.parse.number_pattern + ")$"),
        invisible: new RegExp(spec.parse.invisible_pattern, "g"),
        innerSpace: new RegExp(spec.parse.inner_space_pattern),
        placeholder: new RegExp(spec.placeholder_pattern, "g"),
      };
      spec.cells.forEach(function (cell) { found.cells[cell.id] = cell; });
      spec.rules.forEach(function (rule) { found.rules[rule.id] = rule; });
      indexes.set(spec, found);
    }
    return found;
  }

  function isEmpty(value) {
    return value === null || value === undefined || value === "";
  }

  // Full-width forms to ASCII, ideographic space to a space, U+2212 to "-".
  function mapForms(raw) {
    var out = "";
    for (const ch of String(raw)) {
      const code = ch.codePointAt(0);
      if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0);
      else if (code === 0x3000) out += " ";
      else if (code === 0x2212) out += "-";
      else out += ch;
    }
    return out;
  }

  function formatScaled(n) {
    const magnitude = Math.abs(n);
    const fraction = String(magnitude % SCALE).padStart(4, "0").replace(/0+$/, "");
    const text = (n < 0 ? "-" : "") + Math.floor(magnitude / SCALE) + (fraction ? "." + fraction : "");
    return text === "-0" ? "0" : text;
  }

  // JSON value -> integer (money scaled by 10^4).
  function toScaled(type, value) {
    if (type !== "money") return Number(value);
    const match = /^(-?)([0-9]*)(?:\.([0-9]*))?$/.exec(String(value).trim());
    if (!match) return NaN;
    const scaled = Number(match[2] || "0") * SCALE + Number(((match[3] || "") + "0000").slice(0, 4));
    return match[1] ? -scaled : scaled;
  }

  function fromScaled(type, n) {
    return type === "money" ? formatScaled(n) : n;
  }

  function formatCell(type, value) {
    if (isEmpty(value)) return "";
    if (type === "money") return formatScaled(toScaled(type, value));
    const n = Number(value);
    return type === "signed" && n > 0 ? "+" + n : String(n);
  }

  // -> {value: JSON value or null, error: Chinese message or null}; the same checks as parse_cell.
  function parseCell(spec, type, raw) {
    const ix = index(spec);
    const p = spec.parse;
    const fail = function (key) { return { value: null, error: p.messages[key] }; };
    if (raw === null || raw === undefined) return { value: null, error: null };
    const mapped = mapForms(raw);
    const text = mapped.replace(ix.whitespace, "");
    if (!text) return { value: null, error: null };
    // "12 34": one number or two? Refused like Python, once the rest has been read.
    const spaced = ix.innerSpace.test(mapped.replace(ix.invisible, ""));
    const integer = type !== "money";
    const match = ix.number.exec(text);
    if (!match || !(match[2] || match[3])) return fail(integer ? "not_integer" : "not_number");
    const sign = match[1];
    const whole = match[2].replace(/,/g, "") || "0";
    const fraction = match[3] || "";
    const significant = fraction.replace(/0+$/, "");
    if (integer && significant) return fail("not_integer");
    if (significant.length > p.money_places) return fail("too_many_places");
    const negative = sign === "-" && Boolean(whole.replace(/^0+|0+$/g, "") || significant);
    if (negative && type !== "signed") return fail("negative");
    if (whole.replace(/^0+/, "").length > 15) return fail("too_large");
    const kept = fraction.slice(0, p.money_places);
    if (integer) {
      if (Number(whole) > p.max_integer) return fail("too_large");
      if (spaced) return fail("inner_space");
      return { value: negative ? -Number(whole) : Number(whole), error: null };
    }
    if (Number(whole) > p.max_money || (Number(whole) === p.max_money && Number(kept || "0") > 0)) {
      return fail("too_large");
    }
    if (spaced) return fail("inner_space");
    const scaled = Number(whole) * SCALE + Number((kept + "0000").slice(0, 4));
    return { value: formatScaled(negative ? -scaled : scaled), error: null };
  }

  function valueOf(ix, source, cellId) {
    const value = source[cellId];
    return isEmpty(value) ? 0 : toScaled(ix.cells[cellId].type, value);
  }

  // Every computed cell filled, in the order Python chose (empty inputs count as 0).
  function compute(spec, values) {
    const ix = index(spec);
    const result = Object.assign({}, values);
    spec.compute_order.forEach(function (ruleId) {
      const rule = ix.rules[ruleId];
      const target = rule.lhs[0].cell;
      var total = 0;
      rule.rhs.forEach(function (term) { total += term.coef * valueOf(ix, result, term.cell); });
      result[target] = fromScaled(ix.cells[target].type, total);
    });
    return result;
  }

  function render(ix, template, context) {
    return template.replace(ix.placeholder, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(context, key) ? context[key] : whole;
    });
  }

  function joinTerms(terms, shown) {
    return terms.map(function (term, i) {
      const sign = i === 0 ? (term.coef < 0 ? "-" : "") : (term.coef < 0 ? " - " : " + ");
      return sign + shown[i];
    }).join("");
  }

  function result(rule, cells, ok, message, skipped) {
    return {
      rule_id: rule.id, kind: rule.kind, severity: rule.severity, ok: ok,
      message: message || "", cells: cells, skipped: Boolean(skipped),
    };
  }

  function checkLinear(ix, rule, values, previous, previousVersion) {
    const terms = rule.lhs.concat(rule.rhs);
    const cells = [];
    terms.forEach(function (t) { if (!t.offset && cells.indexOf(t.cell) < 0) cells.push(t.cell); });
    if (terms.some(function (t) { return t.offset; })) {
      const versions = rule.prev_versions;
      if (previous === null || (versions.length && versions.indexOf(previousVersion) < 0)) {
        return result(rule, cells, true, "", true);
      }
      if (terms.some(function (t) { return t.offset && isEmpty(previous[t.cell]); })) {
        return result(rule, cells, true, "", true);
      }
    }
    const numbers = function (side) {
      return side.map(function (t) { return valueOf(ix, t.offset ? previous : values, t.cell); });
    };
    const sum = function (side, ns) {
      return side.reduce(function (acc, t, i) { return acc + t.coef * ns[i]; }, 0);
    };
    const lhsNumbers = numbers(rule.lhs);
    const rhsNumbers = numbers(rule.rhs);
    const lhs = sum(rule.lhs, lhsNumbers);
    const rhs = sum(rule.rhs, rhsNumbers);
    if (rule.op === "=" ? lhs === rhs : lhs <= rhs) return result(rule, cells, true, "", false);
    const show = function (cellId, n) {
      const type = ix.cells[cellId].type;
      return formatCell(type, fromScaled(type, n));
    };
    const context = {
      lhs: show(rule.lhs[0].cell, lhs),
      rhs: show(rule.lhs[0].cell, rhs),
      lhs_terms: joinTerms(rule.lhs, rule.lhs.map(function (t, i) { return show(t.cell, lhsNumbers[i]); })),
      rhs_terms: joinTerms(rule.rhs, rule.rhs.map(function (t, i) { return show(t.cell, rhsNumbers[i]); })),
    };
    rule.lhs.forEach(function (t, i) { context["l" + i] = show(t.cell, lhsNumbers[i]); });
    rule.rhs.forEach(function (t, i) { context["r" + i] = show(t.cell, rhsNumbers[i]); });
    return result(rule, cells, false, render(ix, rule.message, context), false);
  }

  function checkText(spec, ix, rule, values, texts) {
    const cells = [rule.cell].concat(rule.also || []);
    if (texts === null) return result(rule, cells, true, "", true);
    const value = cells.reduce(function (acc, id) { return acc + (isEmpty(values[id]) ? 0 : Number(values[id])); }, 0);
    var quotedAny = false;
    for (const part of rule.parts) {
      const text = texts[part] || "";
      for (const pattern of rule.patterns) {
        const re = new RegExp(pattern, "g");
        var match;
        while ((match = re.exec(text)) !== null) {
          if (match[0] === "") { re.lastIndex += 1; continue; }
          const quoted = parseCell(spec, "count", match[1]);
          if (quoted.error !== null || quoted.value === null) continue;
          quotedAny = true;
          if (quoted.value !== value) {
            const message = render(ix, rule.message, { quoted: String(quoted.value), value: String(value) });
            return result(rule, cells, false, message, false);
          }
        }
      }
    }
    return result(rule, cells, true, "", !quotedAny);
  }

  // A text part must say enough (WritingRule): blank is left to completeness; `when` gates it.
  function checkWriting(ix, rule, values, texts) {
    const cells = rule.when ? [rule.when] : [];
    const text = texts === null ? "" : (texts[rule.part] || "");
    if (texts === null || !text.trim()) return result(rule, cells, true, "", true);
    const value = rule.when ? (isEmpty(values[rule.when]) ? 0 : Number(values[rule.when])) : 0;
    if (rule.when && value <= 0) return result(rule, cells, true, "", true);
    const count = (text.match(new RegExp(rule.word_pattern, "g")) || []).length;
    const says = !rule.needs.length || rule.needs.some(function (phrase) { return text.indexOf(phrase) >= 0; });
    if (count >= rule.min_chars && says) return result(rule, cells, true, "", false);
    return result(rule, cells, false, render(ix, rule.message, { count: String(count), value: String(value) }), false);
  }

  // One result per rule, in definition order; options: {previous, previousVersion, texts}.
  function evaluate(spec, values, options) {
    const ix = index(spec);
    const opts = options || {};
    const previous = isEmpty(opts.previous) ? null : opts.previous;
    const previousVersion = opts.previousVersion || spec.version;
    const texts = isEmpty(opts.texts) ? null : opts.texts;
    return spec.rules.map(function (rule) {
      if (rule.kind === "text") return checkText(spec, ix, rule, values, texts);
      if (rule.kind === "writing") return checkWriting(ix, rule, values, texts);
      return checkLinear(ix, rule, values, previous, previousVersion);
    });
  }

  root.NianbaoRules = { parseCell: parseCell, compute: compute, evaluate: evaluate, formatCell: formatCell };
})(typeof window !== "undefined" ? window : this);
