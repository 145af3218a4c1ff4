//! Assembles a new calcard calendar from pieces of another: copies of
//! components (with their sub-components) and newly made ones.

use calcard::icalendar::{ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry};

/// A calendar under construction; component 0 is the VCALENDAR.
pub(crate) struct Builder {
    cal: ICalendar,
}

impl Builder {
    /// A VCALENDAR with these properties.
    pub(crate) fn new(root_entries: Vec<ICalendarEntry>) -> Self {
        Self {
            cal: ICalendar {
                components: vec![ICalendarComponent {
                    component_type: ICalendarComponentType::VCalendar,
                    entries: root_entries,
                    component_ids: Vec::new(),
                }],
            },
        }
    }

    /// Adds `comp` (its `component_ids` are ignored) under `parent`;
    /// returns its id.
    pub(crate) fn add(&mut self, parent: u32, mut comp: ICalendarComponent) -> u32 {
        comp.component_ids.clear();
        let id = u32::try_from(self.cal.components.len()).unwrap_or(u32::MAX);
        self.cal.components.push(comp);
        if let Some(p) = self.cal.components.get_mut(parent as usize) {
            p.component_ids.push(id);
        }
        id
    }

    /// Copies component `id` of `src` and everything below it under
    /// `parent`, letting `edit` change each copied component.
    pub(crate) fn copy_tree(
        &mut self,
        src: &ICalendar,
        id: u32,
        parent: u32,
        edit: &mut dyn FnMut(&mut ICalendarComponent),
    ) -> Option<u32> {
        let comp = src.component_by_id(id)?;
        let mut copy = comp.clone();
        edit(&mut copy);
        let new_id = self.add(parent, copy);
        for &child in &comp.component_ids {
            self.copy_tree(src, child, new_id, edit);
        }
        Some(new_id)
    }

    pub(crate) fn finish(self) -> ICalendar {
        self.cal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_trees_and_keeps_ids_consistent() {
        let src = ICalendar::parse(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        )
        .unwrap();
        let mut b = Builder::new(src.components[0].entries.clone());
        let mut seen = 0;
        b.copy_tree(&src, 1, 0, &mut |_| seen += 1);
        assert_eq!(seen, 2);
        assert!(b.copy_tree(&src, 99, 0, &mut |_| {}).is_none());
        let out = b.finish().to_string();
        assert_eq!(
            out,
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
    }
}
