// Every FHIR R4 resource → timeline events: a lane, a date and the element it came from, a short title.
export { resourceToTimelineEvents, eventDateOf, type EventDate } from './resource-events';
export { R4_DATE_ELEMENTS, type DateRule } from './date-elements';
