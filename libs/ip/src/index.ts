// Public surface of @spamtrap/ip: parsing, special-purpose ranges, CIDR sets, /64 keys, reverse names.
export { parseIp, toValue, valueToString, type IpValue } from './value.js';
export { CidrSet, CidrError, parseCidr, type ParsedCidr } from './cidr-set.js';
export { specialPurpose, embeddedV4, SPECIAL_V4, SPECIAL_V6, type SpecialMatch, type SpecialRangeDef, type Wrapping } from './special.js';
export { nominationKey, reverseName } from './keys.js';
