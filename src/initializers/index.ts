export { dcganNormal, DcganNormal, type DcganNormalArgs, type Initializer } from './dcganNormal.js';
