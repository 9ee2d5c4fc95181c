export { HeadAhead, RunningCommit } from './RunningCommit';
