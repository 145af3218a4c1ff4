//! `C:comp` / `C:prop` subsetting (RFC 4791 §9.6.1–9.6.4): only the named
//! components and properties are returned; `novalue` keeps a property's
//! name and parameters only.

use calcard::icalendar::{ICalendar, ICalendarComponent, ICalendarEntry};

use crate::ical::values::same_name;
use crate::render::builder::Builder;
use crate::report::{CompSelector, PropSelector, Selection};

/// Applies `selector` (for VCALENDAR) to `src`.
pub(crate) fn subset(src: &ICalendar, selector: &CompSelector) -> ICalendar {
    let Some(root) = src.components.first() else {
        return src.clone();
    };
    let mut out = Builder::new(select_props(root, &selector.props));
    select_children(src, root, selector, &mut out, 0);
    out.finish()
}

fn select_props(comp: &ICalendarComponent, selection: &Selection<PropSelector>) -> Vec<ICalendarEntry> {
    match selection {
        Selection::All => comp.entries.clone(),
        Selection::Only(list) => comp
            .entries
            .iter()
            .filter_map(|e| {
                let wanted = list.iter().find(|p| same_name(e.name.as_str(), &p.name))?;
                let mut e = e.clone();
                if wanted.novalue {
                    e.values.clear();
                }
                Some(e)
            })
            .collect(),
    }
}

fn select_children(
    src: &ICalendar,
    comp: &ICalendarComponent,
    selector: &CompSelector,
    out: &mut Builder,
    parent: u32,
) {
    for &child_id in &comp.component_ids {
        let Some(child) = src.component_by_id(child_id) else {
            continue;
        };
        match &selector.comps {
            Selection::All => {
                out.copy_tree(src, child_id, parent, &mut |_| {});
            }
            Selection::Only(list) => {
                if let Some(sel) = list.iter().find(|s| same_name(child.component_type.as_str(), &s.name)) {
                    let copy = ICalendarComponent {
                        component_type: child.component_type.clone(),
                        entries: select_props(child, &sel.props),
                        component_ids: Vec::new(),
                    };
                    let id = out.add(parent, copy);
                    select_children(src, child, sel, out, id);
                }
            }
        }
    }
}
