import { mockCredentials, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { blueberryPlugin } from './plugin';

describe('blueberryPlugin', () => {
  it('refuses requests without credentials and answers with them', async () => {
    const { server } = await startTestBackend({ features: [blueberryPlugin] });

    const anonymous = await request(server)
      .get('/api/blueberry/environments')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);

    const user = await request(server)
      .get('/api/blueberry/environments')
      .set('Authorization', mockCredentials.user.header());
    expect(user.status).toBe(200);
    expect(user.body).toEqual({ items: [], errors: [] });
  });
});
